using Relay.Tenants;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenants;

/// <summary>The console's home: the tenants the signed-in user may administer (every one for the operator).</summary>
public sealed class IndexModel(IGrainFactory grains) : ConsolePageModel
{
    /// <summary>The tenants listed.</summary>
    public ImmutableArray<TenantListing> Tenants { get; private set; } = [];

    /// <summary>Whether the user may create tenants.</summary>
    public bool MayCreate => ConsoleUser.IsOperator(User);

    public async Task OnGetAsync() => Tenants = await TenantsApi.VisibleTenantsAsync(grains, User);
}
