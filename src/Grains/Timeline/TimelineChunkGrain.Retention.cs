namespace Relay.Timeline;

/// <summary>What trimming a chunk left: how many entries it keeps, and when the oldest of them was recorded.</summary>
[GenerateSerializer, Immutable, Alias("relay.timeline-chunk-trim")]
public sealed record TimelineChunkTrim([property: Id(0)] int Kept, [property: Id(1)] DateTimeOffset? OldestKeptAt);

/// <summary>Retention on an archived timeline chunk (the same grain as <see cref="ITimelineChunkGrain"/>).</summary>
[Alias("relay.ITimelineChunkRetentionGrain")]
public interface ITimelineChunkRetentionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Drops the entries recorded before <paramref name="cutoff"/> (a prefix: entries are kept in the order they were
    /// recorded); a chunk left empty is cleared from storage. Repeating it changes nothing.
    /// </summary>
    [Alias("Trim")]
    Task<TimelineChunkTrim> TrimAsync(DateTimeOffset cutoff);
}

/// <inheritdoc cref="ITimelineChunkRetentionGrain"/>
public sealed partial class TimelineChunkGrain : ITimelineChunkRetentionGrain
{
    async Task<TimelineChunkTrim> ITimelineChunkRetentionGrain.TrimAsync(DateTimeOffset cutoff)
    {
        var entries = state.State.Entries;
        var dropped = 0;
        while (dropped < entries.Length && entries[dropped].ReceivedAt < cutoff)
        {
            dropped++;
        }

        if (dropped == entries.Length)
        {
            if (state.RecordExists)
            {
                await state.ClearStateAsync();
            }

            state.State.Entries = [];
            return new(0, null);
        }

        if (dropped > 0)
        {
            state.State.Entries = entries[dropped..];
            await state.WriteStateAsync();
        }

        return new(state.State.Entries.Length, state.State.Entries[0].ReceivedAt);
    }
}
