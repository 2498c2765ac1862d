using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Relay.Admin;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>The tenant's admin log, newest first: who changed what and when, with before and after; filtered by area and subject.</summary>
public sealed class HistoryModel : TenantConsolePageModel
{
    /// <summary>Entries per page.</summary>
    public const int PageSize = 50;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The area shown; all when empty.</summary>
    [FromQuery(Name = "area")]
    public string? Area { get; set; }

    /// <summary>The subject shown (an automation id, a contact's parked action, an error type); all when empty.</summary>
    [FromQuery(Name = "subject")]
    public string? Subject { get; set; }

    /// <summary>The page number, from 1.</summary>
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The entries on this page.</summary>
    public AdminLogPage Log { get; private set; } = new(0, []);

    /// <summary>What is wrong with the filter, if anything.</summary>
    public string? Problem { get; private set; }

    /// <summary>The areas to filter by.</summary>
    public static ImmutableArray<string> Areas => AdminLogApi.Areas;

    public async Task OnGetAsync()
    {
        PageNumber = Paging.PageNumber(PageNumber, PageSize);
        if (await AdminLogApi.GetPageAsync(Grains, Tenant, Area, Subject, (PageNumber - 1) * PageSize, PageSize) is { } log)
        {
            Log = log;
            return;
        }

        Problem = $"There is no area '{Area}'; choose one of the list.";
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }

    /// <summary>This page with the current filter, at page <paramref name="page"/>.</summary>
    public string Here(int page) =>
        $"/admin/tenants/{Uri.EscapeDataString(Tenant)}/history?area={Uri.EscapeDataString(Area ?? "")}&subject={Uri.EscapeDataString(Subject ?? "")}&page={page}";

    /// <summary>JSON as people read it: indented; anything else as it is.</summary>
    public static string Readable(string json)
    {
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? json;
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
