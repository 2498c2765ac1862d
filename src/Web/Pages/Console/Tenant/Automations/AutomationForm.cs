using System.Globalization;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Triggers;

namespace Relay.Web.Pages.Console.Tenant.Automations;

/// <summary>
/// An automation as the editor's form posts it: flat fields a browser sends without script. Actions keep every field of
/// every kind, so changing an action's kind in the form loses nothing until it is saved.
/// </summary>
public sealed class AutomationForm
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public bool Enabled { get; set; } = true;

    public RunPolicy RunPolicy { get; set; }

    public bool QueueRepeatsWhileLead { get; set; }

    public TriggerType Type { get; set; } = TriggerType.EmailClicked;

    public string? ContentId { get; set; }

    public string? LinkUrl { get; set; }

    public LinkMatch LinkMatch { get; set; }

    public string? FormId { get; set; }

    public string? EventName { get; set; }

    public List<ActionForm> Actions { get; set; } = [];

    /// <summary>The form of a stored automation.</summary>
    public static AutomationForm From(Automation a) => new()
    {
        Id = a.Id,
        Name = a.Name,
        Enabled = a.Enabled,
        RunPolicy = a.RunPolicy,
        QueueRepeatsWhileLead = a.QueueRepeatsWhileLead,
        Type = a.When.Type,
        ContentId = a.When.ContentId,
        LinkUrl = a.When.LinkUrl,
        LinkMatch = a.When.LinkMatch,
        FormId = a.When.FormId,
        EventName = a.When.EventName,
        Actions = [.. (a.Actions.IsDefault ? [] : a.Actions).Select(ActionForm.From)],
    };

    /// <summary>The automation the form describes; empty fields are left out, as the API wants them.</summary>
    public Automation ToAutomation(string id) => new(
        id,
        Blank(Name),
        new AutomationMatch(Type, Blank(ContentId), Blank(LinkUrl), LinkMatch, Blank(FormId), Blank(EventName)),
        [.. Actions.Select(a => a.ToAction())],
        RunPolicy,
        Enabled,
        QueueRepeatsWhileLead);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One action in the editor's form.</summary>
public sealed class ActionForm
{
    /// <summary>The owner choice meaning "the company's own associate".</summary>
    public const string CompanyOwner = "company";

    public ActionKind Kind { get; set; }

    public string? Heading { get; set; }

    public double Amount { get; set; }

    public int Probability { get; set; } = 10;

    public int? SaleTypeId { get; set; }

    public int? TaskTypeId { get; set; }

    public string? Description { get; set; }

    public int DueInDays { get; set; } = 1;

    /// <summary><see cref="CompanyOwner"/> or an associate id.</summary>
    public string Owner { get; set; } = CompanyOwner;

    /// <summary>The selection, project or interest, by kind.</summary>
    public int TargetId { get; set; }

    /// <summary>The list <see cref="TargetId"/> is chosen from, or null for sales, tasks and notifications.</summary>
    public CrmList? TargetList => Kind switch
    {
        ActionKind.AddToSelection or ActionKind.RemoveFromSelection => CrmList.Selections,
        ActionKind.AddToProject or ActionKind.RemoveFromProject => CrmList.Projects,
        ActionKind.AddInterest or ActionKind.RemoveInterest => CrmList.Interests,
        _ => null,
    };

    /// <summary>The kinds in the order the editor offers them.</summary>
    public static readonly ActionKind[] Kinds = Enum.GetValues<ActionKind>();

    /// <summary>What an action of <paramref name="kind"/> is called in the editor.</summary>
    public static string Title(ActionKind kind) => kind switch
    {
        ActionKind.CreateSale => "Create a sale",
        ActionKind.CreateTask => "Create a task",
        ActionKind.NotifySalesRep => "Notify the sales rep",
        ActionKind.AddToSelection => "Add to a selection",
        ActionKind.RemoveFromSelection => "Remove from a selection",
        ActionKind.AddToProject => "Add to a project",
        ActionKind.RemoveFromProject => "Remove from a project",
        ActionKind.AddInterest => "Add an interest",
        _ => "Remove an interest",
    };

    /// <summary>The form of a stored action.</summary>
    public static ActionForm From(AutomationAction action) => action switch
    {
        CreateSaleAction s => new() { Kind = s.Kind, Heading = s.Heading, Amount = s.Amount, Probability = s.Probability, SaleTypeId = s.SaleTypeId, Owner = OwnerValue(s.Owner) },
        CreateTaskAction t => new() { Kind = t.Kind, TaskTypeId = t.TaskTypeId, Description = t.Description, DueInDays = t.DueInDays, Owner = OwnerValue(t.Owner) },
        NotifySalesRepAction n => new() { Kind = n.Kind, TaskTypeId = n.TaskTypeId, Description = n.Description, Owner = OwnerValue(n.Owner) },
        AddToSelectionAction a => new() { Kind = a.Kind, TargetId = a.SelectionId },
        RemoveFromSelectionAction r => new() { Kind = r.Kind, TargetId = r.SelectionId },
        AddToProjectAction a => new() { Kind = a.Kind, TargetId = a.ProjectId },
        RemoveFromProjectAction r => new() { Kind = r.Kind, TargetId = r.ProjectId },
        AddInterestAction a => new() { Kind = a.Kind, TargetId = a.InterestId },
        RemoveInterestAction r => new() { Kind = r.Kind, TargetId = r.InterestId },
        _ => new(),
    };

    /// <summary>The action the form describes.</summary>
    public AutomationAction ToAction() => Kind switch
    {
        ActionKind.CreateSale => new CreateSaleAction(Heading?.Trim() ?? "", Amount, SaleTypeId, Probability, ToOwner()),
        ActionKind.CreateTask => new CreateTaskAction(TaskTypeId, Description?.Trim() ?? "", DueInDays, ToOwner()),
        ActionKind.NotifySalesRep => new NotifySalesRepAction(TaskTypeId, Description?.Trim() ?? "", ToOwner()),
        ActionKind.AddToSelection => new AddToSelectionAction(TargetId),
        ActionKind.RemoveFromSelection => new RemoveFromSelectionAction(TargetId),
        ActionKind.AddToProject => new AddToProjectAction(TargetId),
        ActionKind.RemoveFromProject => new RemoveFromProjectAction(TargetId),
        ActionKind.AddInterest => new AddInterestAction(TargetId),
        _ => new RemoveInterestAction(TargetId),
    };

    private ActionOwner ToOwner() =>
        int.TryParse(Owner, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? ActionOwner.Associate(id) : ActionOwner.CompanyAssociate;

    private static string OwnerValue(ActionOwner owner) =>
        owner is { Kind: OwnerKind.Associate, AssociateId: { } id } ? id.ToString(CultureInfo.InvariantCulture) : CompanyOwner;
}

/// <summary>SuperOffice's pick lists as the console shows them: names for ids, and whether they could be read at all.</summary>
public sealed class PickLists(IReadOnlyDictionary<CrmList, IReadOnlyList<CrmListItem>> lists, string? problem)
{
    /// <summary>The lists an automation can name.</summary>
    public static readonly CrmList[] ForAutomations = [CrmList.SaleTypes, CrmList.TaskTypes, CrmList.Selections, CrmList.Projects, CrmList.Interests, CrmList.Associates];

    /// <summary>Why the lists could not be read (the editor then takes ids), or null.</summary>
    public string? Problem { get; } = problem;

    /// <summary>Whether the lists were read.</summary>
    public bool Loaded => Problem is null;

    /// <summary>Reads the lists an automation can name; <paramref name="fresh"/> asks SuperOffice now.</summary>
    public static async Task<PickLists> LoadAsync(IGrainFactory grains, string tenant, bool fresh, CancellationToken cancellationToken)
    {
        try
        {
            return new PickLists(await Admin.CrmListsApi.LoadAsync(grains, tenant, ForAutomations, fresh, cancellationToken), null);
        }
        catch (Exception ex) when (ex is CrmException or TimeoutException)
        {
            return new PickLists(new Dictionary<CrmList, IReadOnlyList<CrmListItem>>(), $"SuperOffice's lists could not be read, so ids are shown instead of names: {ex.Message}");
        }
    }

    /// <summary>The entries of one list, by name.</summary>
    public IReadOnlyList<CrmListItem> Items(CrmList list) =>
        lists.TryGetValue(list, out var items) ? [.. items.OrderBy(i => i.Name, StringComparer.CurrentCultureIgnoreCase)] : [];

    /// <summary>Whether the list holds <paramref name="id"/>; true when the list could not be read.</summary>
    public bool Has(CrmList list, int id) => !lists.TryGetValue(list, out var items) || items.Any(i => i.Id == id);

    /// <summary>The name SuperOffice gives <paramref name="id"/>, or "#id" when it does not know it (or the list could not be read).</summary>
    public string Name(CrmList list, int? id) =>
        id is null ? "(none)"
        : lists.TryGetValue(list, out var items) && items.FirstOrDefault(i => i.Id == id) is { } item ? item.Name
        : $"#{id}";

    /// <summary>What an action does, in words with SuperOffice's names.</summary>
    public string Describe(AutomationAction action) => action switch
    {
        CreateSaleAction s => $"Create sale \"{s.Heading}\" ({Name(CrmList.SaleTypes, s.SaleTypeId)}, {s.Amount.ToString(CultureInfo.InvariantCulture)}, {s.Probability}%) for {Owner(s.Owner)}",
        CreateTaskAction t => $"Create task \"{t.Description}\" ({Name(CrmList.TaskTypes, t.TaskTypeId)}, due in {t.DueInDays} d) for {Owner(t.Owner)}",
        NotifySalesRepAction n => $"Notify {Owner(n.Owner)}: \"{n.Description}\" ({Name(CrmList.TaskTypes, n.TaskTypeId)})",
        AddToSelectionAction a => $"Add to selection {Name(CrmList.Selections, a.SelectionId)}",
        RemoveFromSelectionAction r => $"Remove from selection {Name(CrmList.Selections, r.SelectionId)}",
        AddToProjectAction a => $"Add to project {Name(CrmList.Projects, a.ProjectId)}",
        RemoveFromProjectAction r => $"Remove from project {Name(CrmList.Projects, r.ProjectId)}",
        AddInterestAction a => $"Add interest {Name(CrmList.Interests, a.InterestId)}",
        RemoveInterestAction r => $"Remove interest {Name(CrmList.Interests, r.InterestId)}",
        _ => action.Kind.ToString(),
    };

    /// <summary>The automation's references SuperOffice does not have; none when the lists could not be read.</summary>
    public IReadOnlyList<string> Check(Automation automation) => AutomationReferences.Check(automation, lists);

    private string Owner(ActionOwner owner) =>
        owner is { Kind: OwnerKind.Associate, AssociateId: { } id } ? Name(CrmList.Associates, id) : "the company's own associate";
}
