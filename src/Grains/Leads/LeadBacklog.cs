using Relay.Contacts;
using Relay.Tenants;

namespace Relay.Leads;

/// <summary>
/// Keeps a lead's waiting actions bounded: a contact that clicks the same link fifty times while it waits for sales
/// does not queue fifty sales. A repeated run of an automation whose actions already wait is coalesced into them
/// (unless the automation says <see cref="Automation.QueueRepeatsWhileLead"/>), and a run that would take the lead past
/// the tenant's <see cref="TenantSettings.MaxWaitingLeadActions"/> is not queued. Either way the trigger stays on the
/// timeline and each action it would have queued leaves an outcome saying why it did not.
/// </summary>
public static class LeadBacklog
{
    /// <summary>The <see cref="ActionOutcome.ErrorType"/> of a run coalesced into the same automation's waiting run.</summary>
    public const string CoalescedType = "CoalescedWhileLead";

    /// <summary>The <see cref="ActionOutcome.ErrorType"/> of a run the lead's limit left out.</summary>
    public const string LimitType = "LeadActionLimit";

    /// <summary>What becomes of one run of an automation for a contact.</summary>
    private enum Fate
    {
        /// <summary>Its actions join the outbox.</summary>
        Queue = 0,

        /// <summary>The same automation's actions already wait for the lead: this run adds none.</summary>
        Coalesce = 1,

        /// <summary>The lead holds as many waiting actions as the tenant allows: this run adds none.</summary>
        OverLimit = 2,
    }

    /// <summary>The most actions a lead of the tenant may hold; settings stored before the limit existed read 0 and get the default.</summary>
    public static int Limit(TenantSettings settings) =>
        settings.MaxWaitingLeadActions > 0 ? settings.MaxWaitingLeadActions : TenantSettings.DefaultMaxWaitingLeadActions;

    /// <summary>
    /// Puts a run of <paramref name="automation"/> (its actions for one trigger, in order) in the outbox, unless the contact
    /// waits as a lead and the run is coalesced or over the limit; then each of its actions is kept as an outcome saying
    /// so. A linked contact runs every match; one not yet looked up is bounded by <see cref="Trim"/> should it become a lead.
    /// Returns whether the run was queued.
    /// </summary>
    public static bool Admit(ContactState state, Automation automation, IReadOnlyList<OutboxItem> run, TenantSettings settings, DateTimeOffset now)
    {
        var limit = Limit(settings);
        var fate = state.Lead is null ? Fate.Queue : FateOf(state.Outbox, automation.Id, run.Count, !automation.QueueRepeatsWhileLead, limit);
        if (fate == Fate.Queue)
        {
            state.Outbox.AddRange(run);
            return true;
        }

        Record(state, fate, Reason(fate, state.Outbox, automation.Id, limit), run, now);
        return false;
    }

    /// <summary>
    /// Bounds the outbox of a lead by the tenant's current rules: the triggers that came before its lookup queued their runs
    /// unbounded, and a lead stored before the bound existed may hold fifty sales. Runs are weighed in their order, as if
    /// each had arrived while the contact waited; an action an earlier attempt may have sent stays. A bounded outbox is
    /// left as it is. Returns how many actions left the outbox.
    /// </summary>
    public static int Trim(ContactState state, TenantConfig config, DateTimeOffset now)
    {
        if (state.Lead is null)
        {
            return 0;
        }

        var limit = Limit(config.Settings);
        var kept = new List<OutboxItem>(state.Outbox.Count);
        var left = 0;
        foreach (var run in state.Outbox.GroupBy(i => (i.TriggerId, i.AutomationId)))
        {
            var items = run.ToList();
            var coalesce = config.Automations.FirstOrDefault(a => a.Id == run.Key.AutomationId) is not { QueueRepeatsWhileLead: true };
            var fate = items.Any(i => i.OutcomeUncertain || i.Attempts > 0) ? Fate.Queue : FateOf(kept, run.Key.AutomationId, items.Count, coalesce, limit);
            if (fate == Fate.Queue)
            {
                kept.AddRange(items);
                continue;
            }

            Record(state, fate, Reason(fate, kept, run.Key.AutomationId, limit), items, now);
            left += items.Count;
        }

        if (left > 0)
        {
            state.Outbox.Clear();
            state.Outbox.AddRange(kept);
        }

        return left;
    }

    private static Fate FateOf(List<OutboxItem> waiting, string automationId, int actions, bool coalesce, int limit) =>
        coalesce && waiting.Any(i => i.AutomationId == automationId) ? Fate.Coalesce
        : waiting.Count + actions > limit ? Fate.OverLimit
        : Fate.Queue;

    private static string Reason(Fate fate, List<OutboxItem> waiting, string automationId, int limit) => fate == Fate.Coalesce
        ? $"Coalesced: the contact waits as a lead, and this automation's actions from trigger {waiting.First(i => i.AutomationId == automationId).TriggerId} already wait for the decision"
        : $"Not queued: the lead already has as many waiting actions as the tenant allows ({limit})";

    private static void Record(ContactState state, Fate fate, string reason, IEnumerable<OutboxItem> run, DateTimeOffset now)
    {
        var (status, type) = fate == Fate.Coalesce ? (OutcomeStatus.Coalesced, CoalescedType) : (OutcomeStatus.NotQueued, LimitType);
        foreach (var item in run)
        {
            ContactDecisions.RecordOutcome(state, new ActionOutcome(
                item.Key, item.TriggerId, item.AutomationId, item.ActionIndex, item.Action.Kind, status, null, null, reason, type, 0, now));
        }
    }
}
