using Microsoft.AspNetCore.Mvc;
using Relay.Timeline;
using Relay.Web.Panels;

namespace Relay.Web.Pages.Panels;

/// <summary>The Timeline Report: a SuperOffice person's (<c>atid</c>) or company's (<c>cuid</c>) interactions with marketing, newest first.</summary>
public sealed class TimelineModel(TimelineReader reader) : PanelPageModel
{
    /// <summary>Entries per page.</summary>
    public const int PageSize = 50;

    /// <summary>The SuperOffice person id (<c>&lt;atid&gt;</c>).</summary>
    [FromQuery(Name = "atid")]
    public int? PersonId { get; set; }

    /// <summary>The SuperOffice company id (<c>&lt;cuid&gt;</c>).</summary>
    [FromQuery(Name = "cuid")]
    public int? CompanyId { get; set; }

    /// <summary>The page number, from 1.</summary>
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The page of the timeline; null when the URL names no person or company.</summary>
    public MergedTimeline? Timeline { get; private set; }

    /// <summary>The query string for another page.</summary>
    public string PageLink(int page) => $"?{(PersonId is { } p ? $"atid={p}" : $"cuid={CompanyId}")}&page={page}";

    public async Task OnGetAsync()
    {
        PageNumber = Paging.PageNumber(PageNumber, PageSize);
        var skip = (PageNumber - 1) * PageSize;
        Timeline = (PersonId, CompanyId) switch
        {
            ({ } person, _) when person > 0 => await reader.ForPersonAsync(Tenant, person, skip, PageSize),
            (_, { } company) when company > 0 => await reader.ForCompanyAsync(Tenant, company, skip, PageSize),
            _ => null,
        };
        if (Timeline is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
