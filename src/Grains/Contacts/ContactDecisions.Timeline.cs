namespace Relay.Contacts;

/// <summary>
/// The decisions about what a contact archives out of its state: which chunk of the oldest timeline entries, and which
/// page of the oldest created objects, and when.
/// </summary>
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

    /// <summary>How many created objects an archived page holds; a contact keeps fewer than twice as many itself.</summary>
    public const int CreatedObjectPageSize = 50;

    /// <summary>
    /// The oldest <see cref="CreatedObjectPageSize"/> created objects, to be archived as page number
    /// <see cref="ContactState.CreatedObjectPages"/>, once the contact holds two pages' worth and no erasure is still
    /// clearing an erased contact's pages; otherwise empty. The same objects come out until
    /// <see cref="CreatedObjectPageArchived"/> is applied, so archiving is repeatable.
    /// </summary>
    public static ImmutableArray<Crm.CrmCreatedObject> CreatedObjectPageDue(ContactState state) =>
        state.Erasure is null && state.CreatedObjects.Count >= 2 * CreatedObjectPageSize ? [.. state.CreatedObjects.Take(CreatedObjectPageSize)] : [];

    /// <summary>Drops the page <see cref="CreatedObjectPageDue"/> gave from the state, once it is stored.</summary>
    public static void CreatedObjectPageArchived(ContactState state)
    {
        state.CreatedObjects.RemoveRange(0, CreatedObjectPageSize);
        state.CreatedObjectPages++;
    }
}
