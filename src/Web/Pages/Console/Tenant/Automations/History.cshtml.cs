using Microsoft.AspNetCore.Mvc;
using Relay.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant.Automations;

/// <summary>Who changed one automation when, with the automation before and after, newest first.</summary>
public sealed class HistoryModel : TenantConsolePageModel
{
    /// <summary>How many changes a page shows.</summary>
    public const int PageSize = 50;

    /// <summary>The route's automation id.</summary>
    [FromRoute(Name = "id")]
    public string Id { get; set; } = "";

    /// <summary>How many of the newest changes to skip.</summary>
    [FromQuery(Name = "skip")]
    public int Skip { get; set; }

    /// <summary>The changes shown.</summary>
    public AdminLogPage Changes { get; private set; } = null!;

    /// <summary>Whether the automation exists now.</summary>
    public bool Exists => Config.Automations.Any(a => a.Id == Id);

    public async Task OnGetAsync()
    {
        Skip = Paging.Skip(Skip);
        Changes = await AdminLog.GetAsync(AdminAreas.Automation, Id, Skip, PageSize);
    }
}
