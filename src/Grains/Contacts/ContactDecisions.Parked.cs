using Relay.Crm;

namespace Relay.Contacts;

/// <summary>The decisions about parked actions: parking a permanent failure, replaying it after the fix, discarding it.</summary>
public static partial class ContactDecisions
{
    /// <summary>Records a permanent failure: the item is parked with its error until someone replays it.</summary>
    public static void Park(ContactState state, OutboxItem item, CrmException error, DateTimeOffset now)
    {
        state.Outbox.Remove(item);
        var parked = item with { Attempts = item.Attempts + 1, LastError = error.Message, LastErrorType = error.ErrorType, NextAttemptAt = null };
        state.Parked.Add(parked);
        state.ParkedIndexDirty = true;
        AddOutcome(state, Outcome(parked, OutcomeStatus.Parked, state.Link?.PersonId, null, error.Message, error.ErrorType, parked.Attempts, now));
    }

    /// <summary>
    /// Puts parked actions back at the end of the outbox to be tried again: the one with <paramref name="key"/>,
    /// or all with <paramref name="errorType"/>, or all. Returns how many.
    /// </summary>
    public static int Replay(ContactState state, string? key, string? errorType, DateTimeOffset now)
    {
        var chosen = ChooseParked(state, key, errorType);
        foreach (var item in chosen)
        {
            state.Parked.Remove(item);
            if (SetOperations.NewerIntent(state, item) is { } newer)
            {
                // Replayed now, it would undo what a trigger that occurred after it asked for.
                SetOperations.RecordSuperseded(state, item, newer, now);
                continue;
            }

            state.Outbox.Add(item with { Attempts = 0, NextAttemptAt = null });
        }

        if (chosen.Count > 0)
        {
            state.ParkedIndexDirty = true;
        }

        return chosen.Count;
    }

    /// <summary>
    /// Drops parked actions for good: the one with <paramref name="key"/>, or all with <paramref name="errorType"/>, or
    /// all. Each keeps a <see cref="OutcomeStatus.Discarded"/> outcome with the error it was parked for. Returns how many.
    /// </summary>
    public static int Discard(ContactState state, string? key, string? errorType, DateTimeOffset now)
    {
        var chosen = ChooseParked(state, key, errorType);
        foreach (var item in chosen)
        {
            state.Parked.Remove(item);
            AddOutcome(state, Outcome(item, OutcomeStatus.Discarded, state.Link?.PersonId, null, item.LastError, item.LastErrorType, item.Attempts, now));
        }

        if (chosen.Count > 0)
        {
            state.ParkedIndexDirty = true;
        }

        return chosen.Count;
    }

    private static List<OutboxItem> ChooseParked(ContactState state, string? key, string? errorType) =>
        state.Parked.Where(p => (key is null || p.Key == key) && (errorType is null || p.LastErrorType == errorType)).ToList();
}
