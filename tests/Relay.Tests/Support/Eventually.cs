using System.Diagnostics;

namespace Relay.Tests.Support;

/// <summary>
/// Waits, within a bound, for a condition that the system reaches asynchronously (a drained outbox,
/// a CRM write), and says what it was waiting for when the bound runs out.
/// </summary>
public static class Eventually
{
    /// <summary>The default bound; generous because CI machines are shared.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Returns the first value for which <paramref name="done"/> holds.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string waitingFor, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Gave up after {limit.TotalSeconds:0} s waiting for {waitingFor}. Last value: {value}");
            }

            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 50));
        }
    }

    /// <summary>Returns once <paramref name="condition"/> holds.</summary>
    public static Task ThatAsync(Func<bool> condition, string waitingFor, TimeSpan? timeout = null) =>
        GetAsync(() => Task.FromResult(condition()), ok => ok, waitingFor, timeout);

    /// <summary>Returns once the asynchronous <paramref name="condition"/> holds.</summary>
    public static Task ThatAsync(Func<Task<bool>> condition, string waitingFor, TimeSpan? timeout = null) =>
        GetAsync(condition, ok => ok, waitingFor, timeout);
}
