using Relay.Triggers;

namespace Relay.Automations;

/// <summary>Decides which automations a trigger sets off.</summary>
public static class AutomationMatcher
{
    /// <summary>Whether the trigger satisfies every condition of the match.</summary>
    public static bool Matches(AutomationMatch when, Trigger trigger) => Mismatch(when, trigger) is null;

    /// <summary>The first condition of the match the trigger does not satisfy, in words; null when it satisfies them all.</summary>
    public static string? Mismatch(AutomationMatch when, Trigger trigger)
    {
        if (when.Type != trigger.Type)
        {
            return $"it waits for {when.Type.ToName()}, not {trigger.Type.ToName()}";
        }

        if (when.ContentId is not null && !string.Equals(when.ContentId, trigger.Content?.Id, StringComparison.Ordinal))
        {
            return trigger.Content is null ? $"it waits for content '{when.ContentId}'; the trigger names none" : $"it waits for content '{when.ContentId}', not '{trigger.Content.Id}'";
        }

        if (when.LinkUrl is not null)
        {
            if (trigger.LinkUrl is null)
            {
                return $"it waits for a click on {when.LinkUrl}; the trigger has no link";
            }

            var linkMatches = when.LinkMatch == LinkMatch.Prefix
                ? trigger.LinkUrl.StartsWith(when.LinkUrl, StringComparison.Ordinal)
                : string.Equals(trigger.LinkUrl, when.LinkUrl, StringComparison.Ordinal);
            if (!linkMatches)
            {
                return when.LinkMatch == LinkMatch.Prefix
                    ? $"it waits for a link starting with {when.LinkUrl}, not {trigger.LinkUrl}"
                    : $"it waits for the link {when.LinkUrl}, not {trigger.LinkUrl}";
            }
        }

        if (when.FormId is not null && !string.Equals(when.FormId, trigger.Form?.Id, StringComparison.Ordinal))
        {
            return trigger.Form is null ? $"it waits for form '{when.FormId}'; the trigger has no form" : $"it waits for form '{when.FormId}', not '{trigger.Form.Id}'";
        }

        // App events are matched by name, exactly as the app sends it (case-sensitive, like every other condition).
        return when.EventName is null || string.Equals(when.EventName, trigger.App?.Name, StringComparison.Ordinal)
            ? null
            : trigger.App is null ? $"it waits for the app event '{when.EventName}'; the trigger names none" : $"it waits for the app event '{when.EventName}', not '{trigger.App.Name}'";
    }

    /// <summary>Whether the automation runs for the trigger, and if not, why (disabled, no match, already ran once).</summary>
    public static AutomationVerdict Judge(Automation automation, Trigger trigger, IReadOnlySet<string> alreadyRanOnce)
    {
        if (!automation.Enabled)
        {
            return new(automation.Id, automation.Name, AutomationVerdictKind.Disabled, "it is disabled");
        }

        if (Mismatch(automation.When, trigger) is { } why)
        {
            return new(automation.Id, automation.Name, AutomationVerdictKind.NotMatched, why);
        }

        return automation.RunPolicy == RunPolicy.OncePerContact && alreadyRanOnce.Contains(automation.Id)
            ? new(automation.Id, automation.Name, AutomationVerdictKind.AlreadyRanOnce, "it runs once per contact and already ran for this contact")
            : new(automation.Id, automation.Name, AutomationVerdictKind.Matched, null);
    }

    /// <summary>
    /// The enabled automations the trigger sets off, in the tenant's order, leaving out "once per
    /// contact" automations that already ran for this contact.
    /// </summary>
    public static IReadOnlyList<Automation> Match(Trigger trigger, IEnumerable<Automation> automations, IReadOnlySet<string> alreadyRanOnce) =>
        automations.Where(a => Judge(a, trigger, alreadyRanOnce).Kind == AutomationVerdictKind.Matched).ToList();
}

/// <summary>Whether one automation runs for a trigger; <see cref="Reason"/> says why not.</summary>
[GenerateSerializer, Immutable, Alias("relay.automation-verdict")]
public sealed record AutomationVerdict(
    [property: Id(0)] string AutomationId,
    [property: Id(1)] string? Name,
    [property: Id(2)] AutomationVerdictKind Kind,
    [property: Id(3)] string? Reason);

/// <summary>The kinds of <see cref="AutomationVerdict"/>.</summary>
public enum AutomationVerdictKind
{
    /// <summary>It runs.</summary>
    Matched = 0,

    /// <summary>The trigger does not satisfy its match.</summary>
    NotMatched = 1,

    /// <summary>It is switched off.</summary>
    Disabled = 2,

    /// <summary>It runs once per contact, and it already ran for this one.</summary>
    AlreadyRanOnce = 3,
}
