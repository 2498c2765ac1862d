using Microsoft.AspNetCore.Mvc;
using Relay.Contacts;
using Relay.Leads;
using Relay.Web.Panels;

namespace Relay.Web.Pages.Panels;

/// <summary>The Lead Report: the tenant's leads, each with approve, choose-a-person and dismiss; bulk approve.</summary>
public sealed class LeadsModel(IGrainFactory grains) : PanelPageModel
{
    /// <summary>Leads per page.</summary>
    public const int PageSize = 50;

    /// <summary>The page number, from 1.</summary>
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The leads on this page.</summary>
    public LeadPage Leads { get; private set; } = new(0, 0, []);

    public async Task OnGetAsync()
    {
        PageNumber = Paging.PageNumber(PageNumber, PageSize);
        Leads = await LeadIndex.GetPageAsync(grains, Tenant, (PageNumber - 1) * PageSize, PageSize);
    }

    public async Task<IActionResult> OnPostApproveAsync(string contactId) =>
        Done("leads", Say(contactId, await Contact(contactId).ApproveAsync(By)));

    public async Task<IActionResult> OnPostDismissAsync(string contactId) =>
        Done("leads", Say(contactId, await Contact(contactId).DismissAsync(By)));

    public async Task<IActionResult> OnPostApproveSelectedAsync(string[] contactIds)
    {
        if (contactIds.Length == 0)
        {
            return Done("leads", "Tick the leads to approve first.");
        }

        var results = await LeadDecisions.ApproveAllAsync(grains, Tenant, contactIds.Take(PageSize).ToArray(), By);
        var done = results.Count(r => r.Result.Status == LeadDecisionStatus.Done);
        var failed = results.Where(r => r.Result.Status is LeadDecisionStatus.Failed or LeadDecisionStatus.Refused).ToList();
        return Done("leads", $"Approved {done} of {results.Count} lead(s)." + (failed.Count > 0 ? $" Not approved: {string.Join(", ", failed.Select(f => f.ContactId))} — try again." : ""));
    }

    private IContactGrain Contact(string contactId) => grains.GetGrain<IContactGrain>(ContactKey.Of(Tenant, contactId));

    private static string Say(string contactId, LeadDecisionResult result) => $"{contactId}: {result.Message}";
}
