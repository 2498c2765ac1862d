namespace Relay.Resilience;

/// <summary>
/// A token bucket that refills continuously at <see cref="Rate"/> permits per second up to a small burst: the
/// cluster-wide budget of one tenant. Plain arithmetic over a clock, so it is exact and testable without a cluster.
/// A fixed <paramref name="burst"/> replaces the default <see cref="Burst(double)"/> (the panels' ticket checks).
/// </summary>
public sealed class PermitBucket(double rate, DateTimeOffset now, double? burst = null)
{
    private double _tokens = burst ?? Burst(rate);
    private DateTimeOffset _last = now;

    /// <summary>Permits per second.</summary>
    public double Rate { get; private set; } = rate;

    /// <summary>
    /// How many permits may pile up while nobody asks: half a second's worth, at least three, so that silos whose
    /// lease calls come late under load lose nothing, while a window of seconds overshoots by at most that much.
    /// </summary>
    public static double Burst(double rate) => Math.Max(3, Math.Ceiling(rate / 2));

    /// <summary>The most permits that pile up.</summary>
    public double Capacity => burst ?? Burst(Rate);

    /// <summary>A bucket at <paramref name="rate"/>: a new one when there is none, else <paramref name="bucket"/> with its rate changed from now on.</summary>
    public static PermitBucket Follow(PermitBucket? bucket, double rate, DateTimeOffset now, double? burst = null)
    {
        if (bucket is null)
        {
            return new PermitBucket(rate, now, burst);
        }

        if (bucket.Rate != rate)
        {
            bucket.SetRate(rate, now);
        }

        return bucket;
    }

    /// <summary>Changes the rate from now on.</summary>
    public void SetRate(double rate, DateTimeOffset now)
    {
        Refill(now);
        Rate = rate;
        _tokens = Math.Min(_tokens, Capacity);
    }

    /// <summary>Takes up to <paramref name="wanted"/> permits, keeping <paramref name="reserve"/> back; when none are granted, says when to ask again.</summary>
    public (int Granted, TimeSpan RetryAfter) Take(int wanted, DateTimeOffset now, int reserve = 0)
    {
        Refill(now);
        var granted = (int)Math.Clamp(Math.Floor(_tokens - reserve), 0, Math.Max(0, wanted));
        _tokens -= granted;
        if (granted > 0)
        {
            return (granted, TimeSpan.Zero);
        }

        var missing = Math.Max(0, reserve + 1 - _tokens);
        return (0, TimeSpan.FromSeconds(Math.Max(0.005, missing / Rate)));
    }

    private void Refill(DateTimeOffset now)
    {
        var elapsed = (now - _last).TotalSeconds;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Capacity, _tokens + (elapsed * Rate));
            _last = now;
        }
    }
}
