namespace Relay.Feed.Webhooks;

/// <summary>How Relay delivers webhooks (section <c>Relay:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Webhooks";

    /// <summary>The wait after an event's first failed attempt; it doubles with each further failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one event is retried before delivery is suspended until someone replays or resumes it.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
