namespace Relay.Feed.Webhooks;

/// <summary>The webhook's plain decisions: when to try a failed event again, and when to stop trying.</summary>
public static class WebhookDecisions
{
    /// <summary>How many log entries a tenant's webhook keeps.</summary>
    public const int LogSize = 200;

    /// <summary>
    /// The wait before attempt <paramref name="failures"/>+1: <see cref="WebhookOptions.FirstRetry"/> doubled per failure
    /// after the first, capped at <see cref="WebhookOptions.MaxBackoff"/>, less up to a fifth at random
    /// (<paramref name="jitter"/> in [0, 1)) so that many tenants' retries do not meet.
    /// </summary>
    public static TimeSpan Backoff(int failures, WebhookOptions options, double jitter)
    {
        ArgumentNullException.ThrowIfNull(options);
        var doublings = Math.Clamp(failures - 1, 0, 30);
        var wait = Math.Min(options.FirstRetry.TotalMilliseconds * Math.Pow(2, doublings), options.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(wait * (1 - (0.2 * jitter)));
    }

    /// <summary>Whether an event failing since <paramref name="failingSince"/> has been retried for as long as Relay retries.</summary>
    public static bool GivesUp(DateTimeOffset failingSince, DateTimeOffset now, WebhookOptions options) =>
        now - failingSince >= options.GiveUpAfter;

    /// <summary>Adds a delivery to the log, dropping the oldest beyond <see cref="LogSize"/>.</summary>
    public static void Log(List<WebhookDelivery> log, WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(log);
        log.Add(delivery);
        if (log.Count > LogSize)
        {
            log.RemoveRange(0, log.Count - LogSize);
        }
    }
}
