using System.Text.RegularExpressions;
using Relay.Triggers;

namespace Relay.Automations;

/// <summary>Checks a tenant's automations before they are stored; every problem is reported with its path.</summary>
public static partial class AutomationValidator
{
    /// <summary>The most automations a tenant may have.</summary>
    public const int MaxAutomations = 500;

    /// <summary>The most actions one automation may run.</summary>
    public const int MaxActions = 20;

    /// <summary>The longest link, content id or form id a condition may name.</summary>
    public const int MaxConditionLength = 2000;

    /// <summary>Ids that name a route beside the automations' own (<c>…/automations/check</c>, <c>…/automations/new</c>), so no automation may take them.</summary>
    public static readonly ImmutableArray<string> ReservedIds = ["check", "new", "dry-run"];

    /// <summary>Returns every problem found; none means the automations may be stored.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<Automation?>? automations)
    {
        var errors = new List<string>();
        if (automations is null)
        {
            return ["automations: required (a JSON array)"];
        }

        if (automations.Count > MaxAutomations)
        {
            errors.Add($"automations: at most {MaxAutomations} automations, got {automations.Count}");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < automations.Count; i++)
        {
            var path = $"automations[{i}]";
            if (automations[i] is not { } a)
            {
                errors.Add($"{path}: must be an object");
                continue;
            }

            if (string.IsNullOrWhiteSpace(a.Id))
            {
                errors.Add($"{path}.id: required");
            }
            else if (!IdShape().IsMatch(a.Id))
            {
                errors.Add($"{path}.id: '{a.Id}' may only hold letters, digits, '.', '_' and '-' (1–64 characters)");
            }
            else if (ReservedIds.Contains(a.Id, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}.id: '{a.Id}' is reserved (the console and the API use it for a page of their own); choose another id");
            }
            else if (!ids.Add(a.Id))
            {
                errors.Add($"{path}.id: '{a.Id}' is used by another automation");
            }

            if (a.Name is { Length: > 200 })
            {
                errors.Add($"{path}.name: longer than 200 characters");
            }

            if (a.QueueRepeatsWhileLead && a.RunPolicy != RunPolicy.EveryTime)
            {
                errors.Add($"{path}.queueRepeatsWhileLead: only an automation with runPolicy 'everyTime' runs more than once");
            }

            ValidateMatch(a.When, $"{path}.when", errors);
            ValidateActions(a.Actions, path, errors);
        }

        return errors;
    }

    /// <summary>The problems of one automation, with paths from the automation (<c>actions[0].heading</c>).</summary>
    public static IReadOnlyList<string> ValidateOne(Automation? automation) =>
        Validate([automation]).Select(e => e.StartsWith("automations[0].", StringComparison.Ordinal) ? e["automations[0].".Length..] : e.Replace("automations[0]", "automation", StringComparison.Ordinal)).ToList();

    private static void ValidateMatch(AutomationMatch? when, string path, List<string> errors)
    {
        if (when is null)
        {
            errors.Add($"{path}: required");
            return;
        }

        if (!Enum.IsDefined(when.Type))
        {
            errors.Add($"{path}.type: required");
        }

        if (when.LinkUrl is not null && !when.Type.HasLink())
        {
            errors.Add($"{path}.linkUrl: only email.clicked and sms.clicked triggers carry a link");
        }

        if (when.FormId is not null && when.Type != TriggerType.FormSubmitted)
        {
            errors.Add($"{path}.formId: only form.submitted triggers carry a form");
        }

        if (when.EventName is not null && when.Type != TriggerType.AppEvent)
        {
            errors.Add($"{path}.eventName: only app.event triggers carry an event name");
        }
        else if (when.EventName is { Length: > 0 } eventName && TriggerParser.EventNameProblem(eventName) is { } problem)
        {
            errors.Add($"{path}.eventName: {problem}");
        }

        if (when.LinkUrl is { Length: 0 } || when.ContentId is { Length: 0 } || when.FormId is { Length: 0 } || when.EventName is { Length: 0 })
        {
            errors.Add($"{path}: leave a condition out instead of giving it an empty value");
        }

        // Every change is kept in the admin log with the automation before and after, so no condition may be unbounded.
        foreach (var (name, value) in new[] { ("linkUrl", when.LinkUrl), ("contentId", when.ContentId), ("formId", when.FormId) })
        {
            if (value is { Length: > MaxConditionLength })
            {
                errors.Add($"{path}.{name}: at most {MaxConditionLength} characters");
            }
        }
    }

    private static void ValidateActions(ImmutableArray<AutomationAction> actions, string path, List<string> errors)
    {
        if (actions.IsDefaultOrEmpty)
        {
            errors.Add($"{path}.actions: at least one action is required");
            return;
        }

        if (actions.Length > MaxActions)
        {
            errors.Add($"{path}.actions: at most {MaxActions} actions, got {actions.Length}");
        }

        for (var j = 0; j < actions.Length; j++)
        {
            var p = $"{path}.actions[{j}]";
            switch (actions[j])
            {
                case null:
                    errors.Add($"{p}: must be an object with a type");
                    break;
                case CreateSaleAction s:
                    Text(s.Heading, $"{p}.heading", 250, errors);
                    if (s.Amount < 0 || double.IsNaN(s.Amount) || double.IsInfinity(s.Amount))
                    {
                        errors.Add($"{p}.amount: must be zero or more");
                    }

                    if (s.Probability is < 0 or > 100)
                    {
                        errors.Add($"{p}.probability: must be between 0 and 100");
                    }

                    OptionalId(s.SaleTypeId, $"{p}.saleTypeId", errors);
                    Owner(s.Owner, $"{p}.owner", errors);
                    break;
                case CreateTaskAction t:
                    Text(t.Description, $"{p}.description", 2000, errors);
                    if (t.DueInDays is < 0 or > 365)
                    {
                        errors.Add($"{p}.dueInDays: must be between 0 and 365");
                    }

                    OptionalId(t.TaskTypeId, $"{p}.taskTypeId", errors);
                    Owner(t.Owner, $"{p}.owner", errors);
                    break;
                case NotifySalesRepAction n:
                    Text(n.Description, $"{p}.description", 2000, errors);
                    OptionalId(n.TaskTypeId, $"{p}.taskTypeId", errors);
                    Owner(n.Owner, $"{p}.owner", errors);
                    break;
                case AddToSelectionAction { SelectionId: <= 0 } or RemoveFromSelectionAction { SelectionId: <= 0 }:
                    errors.Add($"{p}.selectionId: must be a positive integer");
                    break;
                case AddToProjectAction { ProjectId: <= 0 } or RemoveFromProjectAction { ProjectId: <= 0 }:
                    errors.Add($"{p}.projectId: must be a positive integer");
                    break;
                case AddInterestAction { InterestId: <= 0 } or RemoveInterestAction { InterestId: <= 0 }:
                    errors.Add($"{p}.interestId: must be a positive integer");
                    break;
            }
        }
    }

    private static void Text(string? value, string path, int max, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{path}: required");
        }
        else if (value.Length > max)
        {
            errors.Add($"{path}: longer than {max} characters");
        }
    }

    private static void OptionalId(int? id, string path, List<string> errors)
    {
        if (id is <= 0)
        {
            errors.Add($"{path}: must be a positive integer when given");
        }
    }

    private static void Owner(ActionOwner? owner, string path, List<string> errors)
    {
        switch (owner)
        {
            case null:
                errors.Add($"{path}: required: {{\"kind\":\"associate\",\"associateId\":N}} or {{\"kind\":\"companyAssociate\"}}");
                break;
            case { Kind: OwnerKind.Associate, AssociateId: null or <= 0 }:
                errors.Add($"{path}.associateId: a positive associate id is required for kind 'associate'");
                break;
            case { Kind: OwnerKind.CompanyAssociate, AssociateId: not null }:
                errors.Add($"{path}.associateId: not allowed for kind 'companyAssociate'");
                break;
            case { Kind: not (OwnerKind.Associate or OwnerKind.CompanyAssociate) }:
                errors.Add($"{path}.kind: must be 'associate' or 'companyAssociate'");
                break;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdShape();
}
