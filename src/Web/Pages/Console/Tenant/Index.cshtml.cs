using Relay.Crm.Lookups;
using Relay.Tenants;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>A tenant's overview: its connection, its status at a glance, and the connection test.</summary>
public sealed class IndexModel : TenantConsolePageModel
{
    /// <summary>The tenant without its secrets.</summary>
    public TenantResource Resource => TenantResource.From(Config);

    /// <summary>The status, from the tenant's status grain.</summary>
    public TenantStatus Status { get; private set; } = null!;

    /// <summary>The connection test just run, if one was.</summary>
    public ConnectionTest? Test { get; private set; }

    public async Task OnGetAsync() => Status = await Grains.GetGrain<ITenantStatusGrain>(Tenant).GetAsync();

    /// <summary>Runs the connection test and shows its answer on the page (the same as the API's).</summary>
    public async Task OnPostTestAsync()
    {
        Test = await Grains.GetGrain<ICrmLookupGrain>(Tenant).TestConnectionAsync(HttpContext.RequestAborted);
        Status = await Grains.GetGrain<ITenantStatusGrain>(Tenant).GetAsync();
    }
}
