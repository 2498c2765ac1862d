using Relay.Crm;
using Relay.Crm.Lookups;

namespace Relay.Automations;

/// <summary>
/// The SuperOffice records an automation names by id — sale and task types, selections, projects, interests and owners —
/// checked against the tenant's pick lists, so that a record deleted in SuperOffice is flagged before an action parks on it.
/// </summary>
public static class AutomationReferences
{
    /// <summary>The pick lists needed to check <paramref name="automations"/>.</summary>
    public static IReadOnlySet<CrmList> ListsNeeded(IEnumerable<Automation> automations) =>
        automations.SelectMany(a => a.Actions.IsDefault ? [] : a.Actions).SelectMany(References).Select(r => r.List).ToHashSet();

    /// <summary>Every reference of <paramref name="automation"/> that the lists do not hold, as <c>actions[i].field: problem</c>.</summary>
    public static IReadOnlyList<string> Check(Automation automation, IReadOnlyDictionary<CrmList, IReadOnlyList<CrmListItem>> lists)
    {
        var problems = new List<string>();
        var actions = automation.Actions.IsDefault ? [] : automation.Actions;
        for (var i = 0; i < actions.Length; i++)
        {
            foreach (var (list, field, id, needsStatic) in References(actions[i]))
            {
                if (!lists.TryGetValue(list, out var items))
                {
                    continue;
                }

                var item = items.FirstOrDefault(x => x.Id == id);
                if (item is null)
                {
                    problems.Add($"actions[{i}].{field}: {Noun(list)} {id} does not exist in SuperOffice");
                }
                else if (needsStatic && !TakesMembers(item))
                {
                    problems.Add($"actions[{i}].{field}: selection '{item.Name}' ({id}) is {item.Kind ?? "not static"}; only a static selection takes members");
                }
            }
        }

        return problems;
    }

    /// <summary>Whether a selection of the <see cref="CrmList.Selections"/> list is static, the only kind whose members can be changed.</summary>
    public static bool TakesMembers(CrmListItem selection) => string.Equals(selection.Kind, "Static", StringComparison.OrdinalIgnoreCase);

    /// <summary>What one entry of <paramref name="list"/> is called in a sentence.</summary>
    public static string Noun(CrmList list) => list switch
    {
        CrmList.Associates => "associate",
        CrmList.Interests => "interest",
        CrmList.Selections => "selection",
        CrmList.Projects => "project",
        CrmList.SaleTypes => "sale type",
        CrmList.TaskTypes => "task type",
        CrmList.Countries => "country",
        CrmList.Categories => "category",
        CrmList.Businesses => "industry",
        _ => "user group",
    };

    private static IEnumerable<(CrmList List, string Field, int Id, bool NeedsStatic)> References(AutomationAction? action) => action switch
    {
        CreateSaleAction s => [.. Optional(CrmList.SaleTypes, "saleTypeId", s.SaleTypeId), .. Owner(s.Owner)],
        CreateTaskAction t => [.. Optional(CrmList.TaskTypes, "taskTypeId", t.TaskTypeId), .. Owner(t.Owner)],
        NotifySalesRepAction n => [.. Optional(CrmList.TaskTypes, "taskTypeId", n.TaskTypeId), .. Owner(n.Owner)],
        AddToSelectionAction a => [(CrmList.Selections, "selectionId", a.SelectionId, true)],
        RemoveFromSelectionAction r => [(CrmList.Selections, "selectionId", r.SelectionId, true)],
        AddToProjectAction a => [(CrmList.Projects, "projectId", a.ProjectId, false)],
        RemoveFromProjectAction r => [(CrmList.Projects, "projectId", r.ProjectId, false)],
        AddInterestAction a => [(CrmList.Interests, "interestId", a.InterestId, false)],
        RemoveInterestAction r => [(CrmList.Interests, "interestId", r.InterestId, false)],
        _ => [],
    };

    private static IEnumerable<(CrmList, string, int, bool)> Optional(CrmList list, string field, int? id) =>
        id is { } value ? [(list, field, value, false)] : [];

    private static IEnumerable<(CrmList, string, int, bool)> Owner(ActionOwner? owner) =>
        owner is { Kind: OwnerKind.Associate, AssociateId: { } id } ? [(CrmList.Associates, "owner.associateId", id, false)] : [];
}
