using Microsoft.AspNetCore.Mvc;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant.Automations;

/// <summary>
/// The tenant's automations, described with SuperOffice's names, each flagged where it names a record SuperOffice does
/// not have; "check all" reads SuperOffice's lists afresh instead of reusing the minute-old copy.
/// </summary>
public sealed class IndexModel : TenantConsolePageModel
{
    /// <summary><c>now</c> when someone asked for a check against SuperOffice as it is now.</summary>
    [FromQuery(Name = "check")]
    public string? CheckNow { get; set; }

    /// <summary>The pick lists the automations are described and checked with.</summary>
    public PickLists Lists { get; private set; } = null!;

    /// <summary>Each automation's problems (empty when fine); empty when the lists could not be read.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Flags { get; private set; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>When the lists were read for this page.</summary>
    public DateTimeOffset CheckedAt { get; private set; }

    /// <summary>Whether this page was a check someone asked for.</summary>
    public bool Checked => CheckNow == "now";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Lists = await PickLists.LoadAsync(Grains, Tenant, fresh: Checked, cancellationToken);
        CheckedAt = DateTimeOffset.UtcNow;
        if (Lists.Loaded)
        {
            Flags = Config.Automations.ToDictionary(a => a.Id, a => Lists.Check(a));
        }
    }
}
