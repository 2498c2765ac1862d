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

    /// <summary>The approval form, filled with the contact's fields.</summary>
    public ApproveForm Approve { get; private set; } = new();

    /// <summary>The companies in SuperOffice that match the lead, and what Relay proposes; null when it could not look.</summary>
    public CompanyProposal? Companies { get; private set; }

    /// <summary>Why the company look-up could not run.</summary>
    public string? CompanyProblem { get; private set; }

    /// <summary>SuperOffice's countries, categories and industries (businesses); a list that cannot be read is null, and the field is typed.</summary>
    public IReadOnlyDictionary<CrmList, IReadOnlyList<CrmListItem>?> Lists { get; private set; } = new Dictionary<CrmList, IReadOnlyList<CrmListItem>?>();

    public async Task<IActionResult> OnGetAsync()
    {
        Contact = await Grain.GetViewAsync(0, 20);
        if (Contact is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        if (Contact.Lead is not null)
        {
            await LoadApprovalAsync(Contact.Fields);
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

    public async Task<IActionResult> OnPostApproveAsync(ApproveForm approve)
    {
        if (approve.CompanyError is { } refused)
        {
            return Done(Here, "Not approved: " + refused + ".");
        }

        var choice = approve.ToChoice();
        var errors = await Web.Leads.ApprovalChecks.CheckAsync(grains, Tenant, choice, HttpContext.RequestAborted);
        return Done(Here, errors.Count > 0 ? "Not approved: " + string.Join("; ", errors) + "." : (await Grain.ApproveAsync(By, choice)).Message);
    }

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

    /// <summary>The approval form's lists and the company look-up, as the signed-in user sees SuperOffice.</summary>
    private async Task LoadApprovalAsync(Triggers.ContactFields? fields)
    {
        Approve = ApproveForm.From(fields);
        // The three lists at once: each may wait for SuperOffice up to the check's timeout.
        CrmList[] wanted = [CrmList.Countries, CrmList.Categories, CrmList.Businesses];
        var read = await Task.WhenAll(wanted.Select(list => Web.Leads.ApprovalChecks.ListAsync(grains, Tenant, list, HttpContext.RequestAborted)));
        Lists = wanted.Zip(read).ToDictionary(p => p.First, p => p.Second);
        try
        {
            Companies = await Lookups.ProposeCompanyAsync(fields?.Company?.Name, fields?.Company?.OrgNr, fields?.Email, Session.UserTicket, HttpContext.RequestAborted);
            Approve.Company = Companies.Kind switch
            {
                CompanyProposalKind.Existing => $"existing:{Companies.Proposed!.CompanyId}",

                // Relay decides when approving: it looks again with the tenant's own sign-in, which may see a company this
                // user's rights hide, and creates one only when the tenant creates companies on approval.
                _ => "",
            };
        }
        catch (CrmException ex)
        {
            CompanyProblem = $"SuperOffice could not be asked for the company ({ex.Message}); approving looks it up again.";
        }
        catch (TimeoutException)
        {
            CompanyProblem = "SuperOffice did not answer in time about the company; approving looks it up again.";
        }
    }

    /// <summary>The items of a list to choose from; null when SuperOffice's list cannot be read now.</summary>
    public IReadOnlyList<CrmListItem>? Choices(CrmList list) => Lists.GetValueOrDefault(list);

    /// <summary>Whether a list item is the value (its name, or for a country its ISO code).</summary>
    public static bool Is(CrmListItem item, string? value) =>
        string.Equals(item.Name, value, StringComparison.OrdinalIgnoreCase) || string.Equals(item.Kind, value, StringComparison.OrdinalIgnoreCase);

    /// <summary>Why a company matches, in words.</summary>
    public static string Why(CompanyMatchReason reasons) => string.Join(", ", new[]
    {
        reasons.HasFlag(CompanyMatchReason.OrgNr) ? "organisation number" : null,
        reasons.HasFlag(CompanyMatchReason.Name) ? "name" : null,
        reasons.HasFlag(CompanyMatchReason.Domain) ? "e-mail domain" : null,
    }.OfType<string>());

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
