namespace Relay.Feed;

/// <summary>
/// The first, simple feed: every event in one state. (Issue #18's feed work replaces it with sealed pages and group
/// commit; the interface stays.)
/// </summary>
public sealed class EventFeedGrain(
    [PersistentState("feed", RelayStorage.Large)] IPersistentState<EventFeedState> state) : Grain, IEventFeedGrain
{
    async Task IEventFeedGrain.AppendAsync(ImmutableArray<FeedEvent> events)
    {
        var s = state.State;
        var added = false;
        foreach (var e in events)
        {
            if (s.Entries.Any(x => x.Event.Id == e.Id))
            {
                continue;
            }

            s.Entries.Add(new FeedEntry(++s.LastSeq, e));
            added = true;
        }

        if (added)
        {
            await state.WriteStateAsync();
        }
    }

    Task<FeedPage> IEventFeedGrain.ReadAsync(long after, int take)
    {
        var s = state.State;
        var entries = s.Entries.Where(e => e.Seq > after).Take(Math.Clamp(take, 0, 1000)).ToImmutableArray();
        return Task.FromResult(new FeedPage(entries, entries.IsEmpty ? after : entries[^1].Seq, s.Entries.Count > 0 ? s.Entries[0].Seq : s.LastSeq + 1));
    }
}

/// <summary>The feed's stored state.</summary>
[GenerateSerializer, Alias("relay.event-feed-state")]
public sealed class EventFeedState
{
    [Id(0)]
    public List<FeedEntry> Entries { get; set; } = [];

    [Id(1)]
    public long LastSeq { get; set; }
}
