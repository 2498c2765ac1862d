namespace Relay.Contacts;

/// <summary>The decisions about a contact's timeline: which chunk of the oldest entries is archived, and when.</summary>
public static partial class ContactDecisions
{
    /// <summary>
    /// The oldest <see cref="ChunkSize"/> entries, to be archived as chunk number
    /// <see cref="ContactState.TimelineChunks"/>, once the contact holds two chunks' worth; otherwise empty.
    /// The same entries come out until <see cref="TimelineChunkArchived"/> is applied, so archiving is repeatable.
    /// </summary>
    public static ImmutableArray<TimelineEntry> TimelineChunkDue(ContactState state)
    {
        var size = ChunkSize(state);
        return state.Timeline.Count >= 2 * size ? [.. state.Timeline.Take(size)] : [];
    }

    /// <summary>Drops the chunk <see cref="TimelineChunkDue"/> gave from the state, once it is stored.</summary>
    public static void TimelineChunkArchived(ContactState state)
    {
        var size = ChunkSize(state);
        if (state.TimelineChunks == state.TimelineFirstChunk)
        {
            // The first chunk kept: its oldest entry is the archive's (with older chunks kept, the oldest is theirs).
            state.TimelineArchivedOldestAt = state.Timeline[0].ReceivedAt;
        }

        state.Timeline.RemoveRange(0, size);
        state.TimelineChunkSize = size;
        state.TimelineChunks++;
    }
}
