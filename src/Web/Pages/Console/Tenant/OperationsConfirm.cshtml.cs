using Microsoft.AspNetCore.Mvc;
using Relay.Contacts;
using Relay.DeadLetters;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>
/// The confirmation step of a replay or discard: a page that says what will happen to which items, with a form that
/// posts it (no script involved). The post carries the operation out, records it in the admin log and goes back to
/// the operations page.
/// </summary>
public sealed class OperationsConfirmModel : TenantConsolePageModel
{
    /// <summary>How many dead letters the search for one of them reads at a time.</summary>
    private const int LetterSearchPage = 500;

    /// <summary>What to do: replay or discard.</summary>
    [BindProperty(SupportsGet = true, Name = "do")]
    public string? Do { get; set; }

    /// <summary>To what: parked actions or dead letters.</summary>
    [BindProperty(SupportsGet = true, Name = "of")]
    public string? Of { get; set; }

    /// <summary>How many: one, a type, or all.</summary>
    [BindProperty(SupportsGet = true, Name = "scope")]
    public string? Scope { get; set; }

    /// <summary>The contact of one parked action.</summary>
    [BindProperty(SupportsGet = true, Name = "contact")]
    public string? ContactId { get; set; }

    /// <summary>The key of one parked action.</summary>
    [BindProperty(SupportsGet = true, Name = "key")]
    public string? Key { get; set; }

    /// <summary>The id of one dead letter.</summary>
    [BindProperty(SupportsGet = true, Name = "id")]
    public string? Id { get; set; }

    /// <summary>The error type.</summary>
    [BindProperty(SupportsGet = true, Name = "type")]
    public string? ErrorType { get; set; }

    /// <summary>The operation asked for.</summary>
    public Operation Operation => new(Do ?? "", Of ?? "", Scope ?? "", ContactId, Key, Id, ErrorType);

    /// <summary>Why the operation cannot be confirmed (bad request, or nothing left to act on); null when it can.</summary>
    public string? Problem { get; private set; }

    /// <summary>How many items it would act on.</summary>
    public int Affected { get; private set; }

    /// <summary>The parked action, when it acts on one.</summary>
    public OutboxItem? ParkedItem { get; private set; }

    /// <summary>The dead letter, when it acts on one.</summary>
    public DeadLetter? Letter { get; private set; }

    /// <summary>An example error of the items, when it acts on an error type.</summary>
    public string? Example { get; private set; }

    /// <summary>Where the operations page is.</summary>
    public string Back => $"/admin/tenants/{Uri.EscapeDataString(Tenant)}/operations";

    public async Task OnGetAsync()
    {
        if (Operation.Problem is { } problem)
        {
            Refuse(StatusCodes.Status400BadRequest, problem);
            return;
        }

        await DescribeAsync();
        if (Affected == 0)
        {
            Refuse(StatusCodes.Status404NotFound, $"There is no {Operation.Subject} any more: it may have been replayed or discarded already.");
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Operation.Problem is { } problem)
        {
            Refuse(StatusCodes.Status400BadRequest, problem);
            return Page();
        }

        return DoneHere("operations", await Operation.RunAsync(new TenantOperations(Grains, Tenant, Who)));
    }

    private void Refuse(int status, string problem)
    {
        Problem = problem;
        Response.StatusCode = status;
    }

    /// <summary>Finds what the operation would act on, and how many.</summary>
    private async Task DescribeAsync()
    {
        var operation = Operation;
        if (operation.Of == Operation.Parked)
        {
            if (operation.Scope == Operation.One)
            {
                var view = await Grains.GetGrain<IContactGrain>(ContactKey.Of(Tenant, operation.ContactId!)).GetViewAsync(0, 0);
                ParkedItem = view?.Parked.FirstOrDefault(p => p.Key == operation.Key);
                Affected = ParkedItem is null ? 0 : 1;
                return;
            }

            var groups = (await Grains.GetGrain<IParkedIndexGrain>(Tenant).GetAsync(null, 0, 0)).Groups;
            var chosen = groups.Where(g => operation.Scope == Operation.All || g.ErrorType == operation.ErrorType).ToList();
            Affected = chosen.Sum(g => g.Actions);
            Example = chosen.FirstOrDefault()?.Example;
            return;
        }

        var letters = Grains.GetGrain<IDeadLetterGrain>(Tenant);
        if (operation.Scope == Operation.One)
        {
            Letter = await FindLetterAsync(letters, operation.Id!, string.IsNullOrWhiteSpace(operation.ErrorType) ? null : operation.ErrorType);
            Affected = Letter is null ? 0 : 1;
            return;
        }

        var page = await letters.GetAsync(operation.Scope == Operation.All ? null : operation.ErrorType, 0, 1);
        Affected = page.Total;
        Example = page.Items.FirstOrDefault()?.Reason;
    }

    /// <summary>A dead letter by id, read a page at a time (of its error type when known).</summary>
    private static async Task<DeadLetter?> FindLetterAsync(IDeadLetterGrain letters, string id, string? errorType)
    {
        for (var skip = 0; ; skip += LetterSearchPage)
        {
            var page = await letters.GetAsync(errorType, skip, LetterSearchPage);
            if (page.Items.FirstOrDefault(l => l.Id == id) is { } letter)
            {
                return letter;
            }

            if (skip + LetterSearchPage >= page.Total)
            {
                return null;
            }
        }
    }
}
