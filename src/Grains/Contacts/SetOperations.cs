namespace Relay.Contacts;

/// <summary>
/// Keeps a contact's membership and interest changes (set operations) true to its triggers: on one target they take
/// effect in the order of the triggers' <c>occurredAt</c>, whatever order the stream delivered them in, and a change
/// whose outcome was uncertain — SuperOffice may still commit it — fences the target until it has settled, so that a
/// late commit can never undo a later change.
/// </summary>
/// <remarks>
/// A target is one selection, project or interest of the contact's person. A fence covers a selection or a project, and
/// all of the person's interests at once: NetServer saves a person's interests as one list, so a late save of one
/// interest writes back the others as they were when it was read.
/// </remarks>
public static class SetOperations
{
    /// <summary>The <see cref="ActionOutcome.ErrorType"/> of a change a newer trigger had already decided.</summary>
    public const string SupersededType = "SupersededByNewerTrigger";

    /// <summary>The <see cref="OutboxItem.LastErrorType"/> of a change that waits for a fence.</summary>
    public const string SettlingType = "WaitingForUncertainChange";

    private const string InterestScope = "interests";

    /// <summary>The target of a set operation, its fence scope, and whether it adds (selects) or removes; null for any other action.</summary>
    public static SetOperation? Of(AutomationAction action) => action switch
    {
        AddToSelectionAction a => Selection(a.SelectionId, true),
        RemoveFromSelectionAction r => Selection(r.SelectionId, false),
        AddToProjectAction a => Project(a.ProjectId, true),
        RemoveFromProjectAction r => Project(r.ProjectId, false),
        AddInterestAction a => Interest(a.InterestId, true),
        RemoveInterestAction r => Interest(r.InterestId, false),
        _ => null,
    };

    /// <summary>
    /// Takes out of <paramref name="run"/> the set operations an earlier-delivered trigger that occurred later has already
    /// decided, keeping an outcome for each saying so; they never reach the CRM. Returns how many it took.
    /// </summary>
    public static int TakeSuperseded(ContactState state, List<OutboxItem> run, DateTimeOffset now)
    {
        var superseded = run.Where(i => NewerIntent(state, i) is not null).ToList();
        foreach (var item in superseded)
        {
            RecordSuperseded(state, item, NewerIntent(state, item)!, now);
            run.Remove(item);
        }

        return superseded.Count;
    }

    /// <summary>The newer intent already queued for the item's target, when the item's trigger occurred before it; else null.</summary>
    public static SetIntent? NewerIntent(ContactState state, OutboxItem item) =>
        Of(item.Action) is { } op && state.SetIntents.TryGetValue(op.Target, out var newest) && item.OccurredAt < newest.OccurredAt ? newest : null;

    /// <summary>Records that the set operations of a queued run are now the newest intents for their targets (ties go to the later arrival).</summary>
    public static void Queued(ContactState state, IEnumerable<OutboxItem> run)
    {
        foreach (var item in run)
        {
            if (Of(item.Action) is { } op)
            {
                state.SetIntents[op.Target] = new SetIntent(item.OccurredAt, item.TriggerId);
            }
        }
    }

    /// <summary>Keeps the outcome of a change that was never sent because a newer trigger decided its target.</summary>
    public static void RecordSuperseded(ContactState state, OutboxItem item, SetIntent newer, DateTimeOffset now) =>
        ContactDecisions.RecordOutcome(state, new ActionOutcome(
            item.Key, item.TriggerId, item.AutomationId, item.ActionIndex, item.Action.Kind, OutcomeStatus.Superseded, null, null,
            $"Superseded: trigger {newer.TriggerId}, which occurred later ({newer.OccurredAt:u}), already decided this target",
            SupersededType, item.Attempts, now));

    /// <summary>
    /// Fences the item's target after a call whose outcome is uncertain: until <paramref name="now"/> plus
    /// <paramref name="settle"/>, a different change of it waits. Returns the fence, or null for an action that is not a set operation.
    /// </summary>
    public static SetOperationFence? Fence(ContactState state, OutboxItem item, DateTimeOffset now, TimeSpan settle)
    {
        if (Of(item.Action) is not { } op)
        {
            return null;
        }

        // A fence still in force has the same target and change (a different one could not have been sent), so it is replaced.
        state.Fences.RemoveAll(f => f.Until <= now || f.Scope == op.Scope);
        var fence = new SetOperationFence(op.Scope, op.Target, op.Member, now + settle);
        state.Fences.Add(fence);
        return fence;
    }

    /// <summary>
    /// On activation: the action the drain would perform first may have been in flight when the previous activation died,
    /// with no outcome stored, so it is fenced as if it were uncertain.
    /// </summary>
    public static SetOperationFence? FenceInFlight(ContactState state, DateTimeOffset now, TimeSpan settle) =>
        ContactDecisions.NextDue(state, now, out _) is { } item ? Fence(state, item, now, settle) : null;

    /// <summary>Drops fences that have passed.</summary>
    public static void DropSettled(ContactState state, DateTimeOffset now) => state.Fences.RemoveAll(f => f.Until <= now);

    /// <summary>
    /// When the item may go out, if a fence holds it back: a fence in force on its scope for another target or change, or
    /// an earlier item of the same scope held back (<paramref name="held"/> collects those, so a scope keeps its order).
    /// </summary>
    public static DateTimeOffset? HeldUntil(ContactState state, OutboxItem item, DateTimeOffset now, ref Dictionary<string, DateTimeOffset>? held)
    {
        if (Of(item.Action) is not { } op)
        {
            return null;
        }

        if (held is not null && held.TryGetValue(op.Scope, out var earlier))
        {
            return earlier;
        }

        if (state.Fences.FirstOrDefault(f => f.Scope == op.Scope && f.Until > now && (f.Target != op.Target || f.Member != op.Member)) is not { } fence)
        {
            return null;
        }

        (held ??= new(StringComparer.Ordinal))[op.Scope] = fence.Until;
        return fence.Until;
    }

    /// <summary>The item as the outbox shows it while it waits for a fence: with when it may go; not an attempt.</summary>
    public static OutboxItem Waiting(OutboxItem item, DateTimeOffset until) =>
        item.NextAttemptAt == until && item.LastErrorType == SettlingType ? item : item with
        {
            NextAttemptAt = until,
            LastErrorType = SettlingType,
            LastError = $"Waits until {until:u}: an earlier change of {(Of(item.Action)?.Scope == InterestScope ? "the person's interests" : "the same target")} had an uncertain outcome and may still be committed",
        };

    private static SetOperation Selection(int id, bool member) => new($"selection:{id}", $"selection:{id}", member);

    private static SetOperation Project(int id, bool member) => new($"project:{id}", $"project:{id}", member);

    private static SetOperation Interest(int id, bool member) => new(InterestScope, $"interest:{id}", member);
}

/// <summary>A set operation: the target it changes, the scope a fence of it covers, and whether it adds or removes.</summary>
public sealed record SetOperation(string Scope, string Target, bool Member);

/// <summary>The newest trigger that queued a change of a target: an older one delivered later is superseded.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.set-intent")]
public sealed record SetIntent(
    [property: Id(0)] DateTimeOffset OccurredAt,
    [property: Id(1)] string TriggerId);

/// <summary>
/// A scope whose last change had an uncertain outcome and may still be committed until <see cref="Until"/>: any other
/// change of the scope waits until then.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.set-operation-fence")]
public sealed record SetOperationFence(
    [property: Id(0)] string Scope,
    [property: Id(1)] string Target,
    [property: Id(2)] bool Member,
    [property: Id(3)] DateTimeOffset Until);
