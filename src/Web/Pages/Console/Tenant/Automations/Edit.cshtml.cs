using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relay.Tenants;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant.Automations;

/// <summary>
/// Creates (<c>…/automations/new</c>) or edits one automation, choosing SuperOffice's records by name. The form carries
/// the ETag the editor started from, so a save after someone else's is refused and says who, instead of overwriting.
/// </summary>
public sealed class EditModel : TenantConsolePageModel
{
    /// <summary>The route's automation id; <c>new</c> for a new one.</summary>
    [FromRoute(Name = "id")]
    public string Id { get; set; } = "";

    /// <summary>What the form holds.</summary>
    [BindProperty]
    public AutomationForm Form { get; set; } = new();

    /// <summary>The ETag of the automation as the editor loaded it; empty for a new one.</summary>
    [BindProperty]
    public string? ETag { get; set; }

    /// <summary>The kind of action to add.</summary>
    [BindProperty]
    public ActionKind AddKind { get; set; } = ActionKind.CreateSale;

    /// <summary>Why the last save was refused, one line per problem (<c>actions[0].heading: required</c>).</summary>
    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>Set when someone else changed the automation since this editor loaded it.</summary>
    public string? Conflict { get; private set; }

    /// <summary>SuperOffice's lists to choose from.</summary>
    public PickLists Lists { get; private set; } = null!;

    /// <summary>Whether this is a new automation.</summary>
    public bool IsNew => Id == "new";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!IsNew)
        {
            if (Config.Automations.FirstOrDefault(a => a.Id == Id) is not { } automation)
            {
                return NotFound();
            }

            Form = AutomationForm.From(automation);
            ETag = AutomationETag.Of(automation);
        }

        return await ShowAsync(cancellationToken);
    }

    /// <summary>Adds an empty action of <see cref="AddKind"/> to the form (nothing is saved).</summary>
    public Task<PageResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        Form.Actions.Add(new ActionForm { Kind = AddKind });
        return ShowAsync(cancellationToken);
    }

    /// <summary>Removes one action from the form (nothing is saved).</summary>
    public Task<PageResult> OnPostRemoveAsync(int index, CancellationToken cancellationToken)
    {
        if (index >= 0 && index < Form.Actions.Count)
        {
            Form.Actions.RemoveAt(index);
        }

        return ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        if (FormErrors() is { Count: > 0 } unreadable)
        {
            Errors = unreadable;
            return await ShowAsync(cancellationToken);
        }

        var id = IsNew ? Form.Id?.Trim() ?? "" : Id;
        var automation = Form.ToAutomation(id);
        var (problems, check) = await AutomationsApi.ValidateAsync(Grains, Tenant, automation, cancellationToken);
        if (problems.Count > 0)
        {
            Errors = problems;
            return await ShowAsync(cancellationToken);
        }

        var write = await Grains.GetGrain<ITenantGrain>(Tenant).PutAutomationAsync(automation, IsNew ? null : ETag);
        if (!write.Applied)
        {
            return await RefusedAsync(id, write, cancellationToken);
        }

        await AutomationsApi.RecordAsync(Grains, Tenant, Who, write);
        var saved = $"Automation '{automation.Name ?? id}' saved.";
        return DoneHere("automations", check.Ran ? saved : $"{saved} {check.Detail}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        var write = await Grains.GetGrain<ITenantGrain>(Tenant).DeleteAutomationAsync(Id, ETag);
        if (!write.Applied)
        {
            return await RefusedAsync(Id, write, cancellationToken);
        }

        await AutomationsApi.RecordAsync(Grains, Tenant, Who, write);
        return DoneHere("automations", $"Automation '{Id}' deleted.");
    }

    /// <summary>The problems of one action, for showing beside it.</summary>
    public IEnumerable<string> ErrorsOf(int action) => Errors.Where(e => e.StartsWith($"actions[{action}]", StringComparison.Ordinal));

    private async Task<IActionResult> RefusedAsync(string id, AutomationWrite write, CancellationToken cancellationToken)
    {
        switch (write.Outcome)
        {
            case AutomationWriteOutcome.Invalid:
                Errors = write.Errors;
                break;
            case AutomationWriteOutcome.PreconditionRequired when IsNew:
                Errors = [$"id: an automation '{id}' already exists; choose another id or edit that one"];
                break;
            case AutomationWriteOutcome.NotFound:
                return DoneHere("automations", $"Automation '{id}' no longer exists.");
            default:
                Conflict = AutomationsApi.ConflictMessage(id, write, await AutomationsApi.LastChangeAsync(Grains, Tenant, id));
                break;
        }

        return await ShowAsync(cancellationToken);
    }

    private async Task<PageResult> ShowAsync(CancellationToken cancellationToken)
    {
        // The form is shown as posted (or as changed by Add/Remove), not as the model state remembers it.
        ModelState.Clear();
        Lists = await PickLists.LoadAsync(Grains, Tenant, fresh: false, cancellationToken);
        return Page();
    }
}
