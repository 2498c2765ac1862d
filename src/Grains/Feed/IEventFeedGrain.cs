namespace Relay.Feed;

/// <summary>
/// A tenant's event feed (key: tenant id): every event in one order, each once, numbered by a sequence that survives
/// restarts and silo loss. Contacts append; the pull API and the webhook read after a cursor.
/// </summary>
[Alias("relay.IEventFeedGrain")]
public interface IEventFeedGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends events in the order given, skipping any whose <see cref="FeedEvent.Id"/> the feed already holds; returns
    /// once they are stored. Safe to repeat. Appends that arrive together are stored with one write (group commit).
    /// </summary>
    [Alias("Append"), AlwaysInterleave]
    Task AppendAsync(ImmutableArray<FeedEvent> events);

    /// <summary>Up to <paramref name="take"/> events with a sequence number above <paramref name="after"/>, oldest first.</summary>
    [Alias("Read"), AlwaysInterleave]
    Task<FeedPage> ReadAsync(long after, int take);

    /// <summary>The newest stored sequence number and the oldest one the feed still keeps.</summary>
    [Alias("GetHead"), AlwaysInterleave]
    Task<FeedHead> GetHeadAsync();
}

/// <summary>An event with its place in the feed.</summary>
[GenerateSerializer, Immutable, Alias("relay.feed-entry")]
public sealed record FeedEntry([property: Id(0)] long Seq, [property: Id(1)] FeedEvent Event);

/// <summary>
/// A page of the feed: the entries, the cursor to ask after next (the last entry's sequence, or the cursor given when
/// there were none), and the oldest sequence the feed still keeps.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.feed-page")]
public sealed record FeedPage(
    [property: Id(0)] ImmutableArray<FeedEntry> Entries,
    [property: Id(1)] long Next,
    [property: Id(2)] long Oldest);

/// <summary>Where the feed stands: the newest stored sequence (0 when empty) and the oldest one kept.</summary>
[GenerateSerializer, Immutable, Alias("relay.feed-head")]
public sealed record FeedHead([property: Id(0)] long Last, [property: Id(1)] long Oldest);
