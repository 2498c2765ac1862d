using Relay.Contacts;
using Relay.Hosting;

namespace Relay.Timeline;

/// <summary>
/// An archived, full chunk of one contact's timeline (<see cref="ContactDecisions.ChunkSize"/> entries,
/// oldest first), so that the contact's own state — written on every trigger — stays bounded however long its
/// history grows. Key: <c>{tenant}:{contactId}:{chunk number}</c> (see <see cref="TimelineChunkKey"/>).
/// </summary>
[Alias("relay.ITimelineChunkGrain")]
public interface ITimelineChunkGrain : IGrainWithStringKey
{
    /// <summary>Stores the chunk; storing the same entries again changes nothing.</summary>
    [Alias("Put")]
    Task PutAsync(ImmutableArray<TimelineEntry> entries);

    /// <summary>The chunk's entries, oldest first; empty when it was never stored.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ImmutableArray<TimelineEntry>> GetAsync();

    /// <summary>Removes the chunk from storage (the contact was erased); clearing it again changes nothing.</summary>
    [Alias("Clear")]
    Task ClearAsync();
}

/// <summary>Keys of <see cref="ITimelineChunkGrain"/>.</summary>
public static class TimelineChunkKey
{
    /// <summary>The key of a contact's chunk number <paramref name="chunk"/> (0 is the oldest).</summary>
    public static string Of(string tenantId, string contactId, int chunk) =>
        $"{ContactKey.Of(tenantId, contactId)}:{chunk.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <inheritdoc cref="ITimelineChunkGrain"/>
public sealed partial class TimelineChunkGrain(
    [PersistentState("timeline-chunk", RelayStorage.Name)] IPersistentState<TimelineChunkState> state) : Grain, ITimelineChunkGrain
{
    async Task ITimelineChunkGrain.PutAsync(ImmutableArray<TimelineEntry> entries)
    {
        if (state.RecordExists && state.State.Entries.SequenceEqual(entries))
        {
            return;
        }

        state.State.Entries = entries;
        await state.WriteStateAsync();
    }

    Task<ImmutableArray<TimelineEntry>> ITimelineChunkGrain.GetAsync() => Task.FromResult(state.State.Entries);

    async Task ITimelineChunkGrain.ClearAsync()
    {
        if (state.RecordExists || !state.State.Entries.IsEmpty)
        {
            await state.ClearStateAsync();
            state.State = new TimelineChunkState();
        }
    }
}

/// <summary>What a timeline chunk grain stores.</summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("relay.timeline-chunk-state")]
public sealed class TimelineChunkState
{
    /// <summary>The entries, oldest first.</summary>
    [Id(0)]
    public ImmutableArray<TimelineEntry> Entries { get; set; } = [];
}
