namespace Relay.Feed;

/// <summary>
/// An event as the pull API returns it and the webhook POSTs it (JSON, camelCase, nulls left out): its place in the feed
/// (<see cref="Seq"/>, the cursor), its id (the same on every delivery: receivers drop ids they have seen), and its data.
/// </summary>
public sealed record FeedEventMessage(long Seq, string Id, string Type, string ContactId, DateTimeOffset At, FeedEventData Data)
{
    /// <summary>The message of a stored entry.</summary>
    public static FeedEventMessage Of(FeedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var e = entry.Event;
        return new FeedEventMessage(entry.Seq, e.Id, e.Type, e.ContactId, e.At, e.Data);
    }
}
