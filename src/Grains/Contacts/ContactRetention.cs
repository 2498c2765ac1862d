namespace Relay.Contacts;

/// <summary>
/// The tenant's retention (<see cref="Tenants.TenantSettings.RetentionMonths"/>) as plain functions over a contact's
/// state: timeline entries and outcomes older than the cutoff are dropped. An entry's age counts from when Relay recorded
/// it (<see cref="TimelineEntry.ReceivedAt"/>), the order the timeline and its chunks are kept in, so what is too old is
/// always a prefix: the oldest entry alone says whether anything is, and <see cref="IsDue"/> costs three comparisons.
/// </summary>
public static class ContactRetention
{
    /// <summary>The shortest retention a tenant may choose.</summary>
    public const int MinMonths = 1;

    /// <summary>The longest retention a tenant may choose (ten years); none keeps everything.</summary>
    public const int MaxMonths = 120;

    /// <summary>The time before which entries and outcomes are dropped, or null when the tenant keeps everything.</summary>
    public static DateTimeOffset? Cutoff(int? months, DateTimeOffset now) => months is { } m ? now.AddMonths(-m) : null;

    /// <summary>
    /// When the oldest archived entry the contact keeps was recorded; <see cref="DateTimeOffset.MinValue"/> when chunks are
    /// kept but that time is not known yet (chunks archived before retention existed, or right after the oldest kept chunk
    /// was dropped): the next chunk is then read once. Null when no archived entry is kept.
    /// </summary>
    public static DateTimeOffset? ArchivedOldest(ContactState state) =>
        state.TimelineChunks > state.TimelineFirstChunk ? state.TimelineArchivedOldestAt ?? DateTimeOffset.MinValue : null;

    /// <summary>Whether anything the contact keeps is older than <paramref name="cutoff"/>; reads only the oldest of each list.</summary>
    public static bool IsDue(ContactState state, DateTimeOffset cutoff) =>
        ArchivedOldest(state) < cutoff || InStateDue(state, cutoff);

    /// <summary>Drops the timeline entries and outcomes in the state older than <paramref name="cutoff"/>; returns how many.</summary>
    public static int DropInState(ContactState state, DateTimeOffset cutoff)
    {
        if (!InStateDue(state, cutoff))
        {
            return 0;
        }

        return state.Timeline.RemoveAll(e => e.ReceivedAt < cutoff) + state.Outcomes.RemoveAll(o => o.At < cutoff);
    }

    /// <summary>Records what trimming the oldest kept chunk (<see cref="ContactState.TimelineFirstChunk"/>) left of it.</summary>
    /// <remarks>
    /// The counts are absolute (what the chunk holds now), not a difference, so applying the same trim twice (a crash
    /// between the chunk's write and the contact's) gives the same state.
    /// </remarks>
    public static void ChunkTrimmed(ContactState state, Timeline.TimelineChunkTrim trim)
    {
        if (trim.Kept == 0)
        {
            state.TimelineFirstChunk++;
            state.TimelineFirstChunkDropped = 0;
            state.TimelineArchivedOldestAt = null;
            return;
        }

        state.TimelineFirstChunkDropped = ContactDecisions.ChunkSize(state) - trim.Kept;
        state.TimelineArchivedOldestAt = trim.OldestKeptAt;
    }

    /// <summary>The day (since 1970-01-01, UTC) of the oldest entry or outcome the contact keeps, or null when it keeps none.</summary>
    public static int? OldestKeptDay(ContactState state)
    {
        // Chunks whose oldest time is not known yet count as due today-or-earlier: the roster visits them at the next sweep.
        if (state.TimelineChunks > state.TimelineFirstChunk && state.TimelineArchivedOldestAt is null)
        {
            return 0;
        }

        DateTimeOffset? oldest = state.TimelineChunks > state.TimelineFirstChunk ? state.TimelineArchivedOldestAt : null;
        if (state.Timeline.Count > 0 && (oldest is null || state.Timeline[0].ReceivedAt < oldest))
        {
            oldest = state.Timeline[0].ReceivedAt;
        }

        if (state.Outcomes.Count > 0 && (oldest is null || state.Outcomes[0].At < oldest))
        {
            oldest = state.Outcomes[0].At;
        }

        return oldest is { } t ? Day(t) : null;
    }

    /// <summary>The day number of a time: whole days since 1970-01-01 UTC.</summary>
    public static int Day(DateTimeOffset time) => (int)((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerDay);

    private static bool InStateDue(ContactState state, DateTimeOffset cutoff) =>
        (state.Timeline.Count > 0 && state.Timeline[0].ReceivedAt < cutoff) || (state.Outcomes.Count > 0 && state.Outcomes[0].At < cutoff);
}
