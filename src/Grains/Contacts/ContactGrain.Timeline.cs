using Microsoft.Extensions.Logging;
using Relay.Timeline;

namespace Relay.Contacts;

/// <summary>
/// The timeline: the latest entries in the contact's state, the older ones in full chunks of their own
/// (<see cref="ITimelineChunkGrain"/>), so that the state written on every trigger stays bounded (under 200 entries,
/// about 94 bytes each) however long the contact's history grows.
/// </summary>
public sealed partial class ContactGrain
{
    /// <summary>
    /// Moves the oldest chunk out of the state once two chunks' worth are there, before the state is written. The chunk
    /// is stored first and dropped from the state after, so a crash in between only stores the same chunk again; if
    /// it cannot be stored the entries stay in the state and the next trigger tries again.
    /// </summary>
    private async Task ArchiveTimelineChunkAsync()
    {
        // While an erasure still clears the erased contact's chunks, the new contact's entries stay in the state.
        var chunk = S.Erasure is null ? ContactDecisions.TimelineChunkDue(S) : [];
        if (chunk.IsEmpty)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<ITimelineChunkGrain>(TimelineChunkKey.Of(_tenantId, _contactId, S.TimelineChunks)).PutAsync(chunk);
            ContactDecisions.TimelineChunkArchived(S);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTimelineArchiveFailed(logger, ex, GrainKey, S.TimelineChunks);
        }
    }

    /// <summary>
    /// A page of the timeline, newest first. The entries in the state are taken before the first await, so a trigger
    /// archiving a chunk meanwhile cannot shift the page; archived chunks never change once stored.
    /// </summary>
    private async Task<ImmutableArray<TimelineEntry>> NewestFirstAsync(int skip, int take)
    {
        var recent = S.Timeline.Count;
        var chunks = S.TimelineChunks;
        var (first, dropped) = (S.TimelineFirstChunk, S.TimelineFirstChunkDropped);
        var total = S.TimelineTotal;
        var size = ContactDecisions.ChunkSize(S);
        skip = Math.Clamp(skip, 0, total);
        take = Math.Clamp(take, 0, total - skip);
        var page = ImmutableArray.CreateBuilder<TimelineEntry>(take);
        var k = skip;
        for (; k < skip + take && k < recent; k++)
        {
            page.Add(S.Timeline[recent - 1 - k]);
        }

        // Older entries: a is the position among the archived ones, newest first.
        var loaded = new Dictionary<int, ImmutableArray<TimelineEntry>>();
        for (; k < skip + take; k++)
        {
            var a = k - recent;
            var number = chunks - 1 - (a / size);
            if (!loaded.TryGetValue(number, out var entries))
            {
                loaded[number] = entries = await GrainFactory.GetGrain<ITimelineChunkGrain>(TimelineChunkKey.Of(_tenantId, _contactId, number)).GetAsync();
            }

            // The oldest kept chunk lost its first entries to retention: its positions shift down by as many.
            var position = size - 1 - (a % size) - (number == first ? dropped : 0);
            if (position >= 0 && position < entries.Length)
            {
                page.Add(entries[position]);
            }
        }

        return page.ToImmutable();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {Contact}: archiving timeline chunk {Chunk} failed; the entries stay in the state for now")]
    private static partial void LogTimelineArchiveFailed(ILogger logger, Exception ex, string contact, int chunk);
}
