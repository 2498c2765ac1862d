namespace Relay.Feed.Webhooks;

/// <summary>
/// A tenant's webhook delivery (key: tenant id): POSTs the feed's events to the tenant's webhook URL one at a time in feed
/// order, signed, at least once; a failure is retried with backoff from a timer, and a reminder brings the grain back after a
/// silo loss. A bounded log of deliveries, and replay from a cursor or of one event.
/// </summary>
[Alias("relay.IWebhookGrain")]
public interface IWebhookGrain : IGrainWithStringKey
{
    /// <summary>The feed has new events: deliver them (unless a retry is waiting). Cheap to call often.</summary>
    [Alias("Wake"), OneWay]
    Task WakeAsync();

    /// <summary>Where delivery stands, with the newest log entries first.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<WebhookStatus> GetStatusAsync();

    /// <summary>Delivers again every event after <paramref name="after"/> (0: the whole feed kept), and resumes a suspended delivery; null when the cursor is beyond the feed.</summary>
    [Alias("ReplayFrom")]
    Task<string?> ReplayFromAsync(long after);

    /// <summary>Delivers the event with sequence <paramref name="seq"/> once more, before the next new one; an error when the feed does not hold it.</summary>
    [Alias("ReplayEvent")]
    Task<string?> ReplayEventAsync(long seq);
}

/// <summary>What a webhook delivery did: one attempt at one event.</summary>
[GenerateSerializer, Immutable, Alias("relay.webhook-delivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] long Seq,
    [property: Id(2)] string EventId,
    [property: Id(3)] string Type,
    [property: Id(4)] WebhookDeliveryResult Result,
    [property: Id(5)] int? StatusCode,
    [property: Id(6)] string? Error,
    [property: Id(7)] int Attempt,
    [property: Id(8)] int Milliseconds,
    [property: Id(9)] bool Replay = false);

/// <summary>How one delivery attempt ended.</summary>
public enum WebhookDeliveryResult
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 0,

    /// <summary>Anything else (an error status, no answer, a refused address); it is tried again.</summary>
    Failed = 1,

    /// <summary>The last failure of an event that failed for longer than Relay retries; delivery is suspended.</summary>
    Suspended = 2,
}

/// <summary>The state of a tenant's webhook delivery.</summary>
[GenerateSerializer, Immutable, Alias("relay.webhook-status")]
public sealed record WebhookStatus(
    [property: Id(0)] string? Url,
    [property: Id(1)] bool Enabled,
    [property: Id(2)] long Cursor,
    [property: Id(3)] long FeedLast,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] DateTimeOffset? FailingSince,
    [property: Id(7)] bool Suspended,
    [property: Id(8)] ImmutableArray<long> Replays,
    [property: Id(9)] ImmutableArray<WebhookDelivery> Log);
