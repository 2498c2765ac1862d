using Relay.Triggers;

namespace Relay.Automations;

/// <summary>Decides which automations a trigger sets off.</summary>
public static class AutomationMatcher
{
    /// <summary>Whether the trigger satisfies every condition of the match.</summary>
    public static bool Matches(AutomationMatch when, Trigger trigger)
    {
        if (when.Type != trigger.Type)
        {
            return false;
        }

        if (when.ContentId is not null && !string.Equals(when.ContentId, trigger.Content?.Id, StringComparison.Ordinal))
        {
            return false;
        }

        if (when.LinkUrl is not null)
        {
            if (trigger.LinkUrl is null)
            {
                return false;
            }

            var linkMatches = when.LinkMatch == LinkMatch.Prefix
                ? trigger.LinkUrl.StartsWith(when.LinkUrl, StringComparison.Ordinal)
                : string.Equals(trigger.LinkUrl, when.LinkUrl, StringComparison.Ordinal);
            if (!linkMatches)
            {
                return false;
            }
        }

        return when.FormId is null || string.Equals(when.FormId, trigger.Form?.Id, StringComparison.Ordinal);
    }

    /// <summary>
    /// The enabled automations the trigger sets off, in the tenant's order, leaving out "once per
    /// contact" automations that already ran for this contact.
    /// </summary>
    public static IReadOnlyList<Automation> Match(Trigger trigger, IEnumerable<Automation> automations, IReadOnlySet<string> alreadyRanOnce) =>
        automations
            .Where(a => a.Enabled && Matches(a.When, trigger))
            .Where(a => a.RunPolicy != RunPolicy.OncePerContact || !alreadyRanOnce.Contains(a.Id))
            .ToList();
}
