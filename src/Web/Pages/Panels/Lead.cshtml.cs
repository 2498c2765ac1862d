using Microsoft.AspNetCore.Mvc;
using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Leads;
using Relay.Web.Panels;

namespace Relay.Web.Pages.Panels;

/// <summary>
/// One lead: who it is, what waits, and the persons sales can link it to (candidates or a search). Searching and
/// linking run with the signed-in user's own SuperOffice ticket when the session has one.
/// </summary>
public sealed class LeadModel(IGrainFactory grains) : PanelPageModel
{
    /// <summary>The contact id in the URL.</summary>
    [FromRoute(Name = "contactId")]
    public string ContactId { get; set; } = "";

    /// <summary>What sales searched SuperOffice for.</summary>
    [FromQuery(Name = "q")]
    public string? Query { get; set; }

    /// <summary>The contact; null when Relay never heard of it.</summary>
    public ContactView? Contact { get; private set; }

    /// <summary>Persons found by the search.</summary>
    public IReadOnlyList<CrmPersonMatch> Found { get; private set; } = [];

    /// <summary>Why the search found nothing, if it could not run.</summary>
    public string? SearchProblem { get; private set; }

    /// <summary>The lead's candidate persons (sharing its e-mail) that the user may see in SuperOffice.</summary>
    public IReadOnlyList<CrmPersonMatch> Candidates { get; private set; } = [];

    /// <summary>How many candidates the user's SuperOffice rights hide (or could not be checked).</summary>
    public int HiddenCandidates { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Contact = await Grain.GetViewAsync(0, 20);
        if (Contact is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        if (Contact.Lead is { Candidates.Length: > 0 } lead)
        {
            Candidates = await VisibleAsync(lead.Candidates);
            HiddenCandidates = lead.Candidates.Length - Candidates.Count;
        }

        if (Query is { Length: > 0 } q)
        {
            await SearchAsync(q.Trim());
        }

        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync() => Done(Here, (await Grain.ApproveAsync(By)).Message);

    public async Task<IActionResult> OnPostDismissAsync() => Done("leads", $"{ContactId}: {(await Grain.DismissAsync(By)).Message}");

    public async Task<IActionResult> OnPostLinkAsync(int personId)
    {
        // The contact links with the tenant's sign-in, which may read more than this user: a person the user cannot
        // read in SuperOffice is refused here, so the form cannot be used to link (and name) a hidden person.
        if (Session.UserTicket is { } ticket)
        {
            try
            {
                if (await Lookups.GetPersonAsync(personId, ticket, HttpContext.RequestAborted) is null)
                {
                    return Done(Here, $"You cannot link person {personId}: SuperOffice has no such person, or your SuperOffice rights do not let you see it.");
                }
            }
            catch (CrmException ex)
            {
                return Done(Here, ex.Kind == CrmErrorKind.Permanent ? ex.Message : $"SuperOffice did not answer ({ex.Message}). Nothing changed; try again.");
            }
        }

        return Done(Here, (await Grain.LinkToPersonAsync(personId, By)).Message);
    }

    private string Here => "leads/" + Uri.EscapeDataString(ContactId);

    private IContactGrain Grain => grains.GetGrain<IContactGrain>(ContactKey.Of(Tenant, ContactId));

    private ICrmLookupGrain Lookups => grains.GetGrain<ICrmLookupGrain>(Tenant);

    /// <summary>
    /// The candidates were found with the tenant's sign-in; each is read again as the user, so one their rights hide
    /// is not shown. A candidate that cannot be checked is not shown either.
    /// </summary>
    private async Task<IReadOnlyList<CrmPersonMatch>> VisibleAsync(ImmutableArray<CrmPersonMatch> candidates)
    {
        if (Session.UserTicket is not { } ticket)
        {
            return candidates;
        }

        try
        {
            var readable = await Task.WhenAll(candidates.Select(c => Lookups.GetPersonAsync(c.PersonId, ticket, HttpContext.RequestAborted)));
            return [.. candidates.Where((_, i) => readable[i] is not null)];
        }
        catch (CrmException)
        {
            return [];
        }
    }

    private async Task SearchAsync(string q)
    {
        if (q.Length < 3)
        {
            SearchProblem = "Type at least 3 characters.";
            return;
        }

        try
        {
            // As the signed-in user, so the search shows only persons their SuperOffice rights let them see.
            Found = await Lookups.SearchPersonsAsync(q, 20, Session.UserTicket, HttpContext.RequestAborted);
        }
        catch (CrmException ex)
        {
            SearchProblem = $"SuperOffice did not answer the search: {ex.Message}";
        }
    }
}
