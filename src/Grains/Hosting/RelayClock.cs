namespace Relay.Hosting;

/// <summary>
/// The clock Relay's decisions read (lead ages, backoff, due dates). It is separate from the
/// <see cref="TimeProvider"/> Orleans itself runs on, so tests can move Relay's time without stopping
/// Orleans' timers and stream agents.
/// </summary>
public sealed class RelayClock(TimeProvider time)
{
    /// <summary>The system clock.</summary>
    public static RelayClock System { get; } = new(TimeProvider.System);

    /// <summary>The current UTC time.</summary>
    public DateTimeOffset GetUtcNow() => time.GetUtcNow();
}
