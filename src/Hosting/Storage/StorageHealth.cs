using System.Collections.Concurrent;

namespace Relay.Hosting.Storage;

/// <summary>
/// Whether each grain storage of this silo answers: since when it fails, and why. A storage counts as failing from a
/// failed call until a call succeeds, or until <see cref="Recency"/> passes without another failure (a silo that makes
/// no storage calls has no news either way).
/// </summary>
public sealed class StorageHealth(TimeProvider time)
{
    /// <summary>How long a failure counts when no call has succeeded or failed since.</summary>
    public static readonly TimeSpan Recency = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Outage> _outages = new(StringComparer.Ordinal);

    /// <summary>The storages failing now: their name, since when and the last error.</summary>
    public IReadOnlyList<(string Storage, DateTimeOffset Since, string Error)> Failing
    {
        get
        {
            var horizon = time.GetUtcNow() - Recency;
            foreach (var old in _outages.Where(o => o.Value.Last < horizon))
            {
                _outages.TryRemove(old);
            }

            return [.. _outages.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, o.Value.Since, o.Value.Error))];
        }
    }

    /// <summary>A call to <paramref name="storage"/> succeeded: it answers again.</summary>
    public void Succeeded(string storage)
    {
        if (!_outages.IsEmpty)
        {
            _outages.TryRemove(storage, out _);
        }
    }

    /// <summary>A call to <paramref name="storage"/> failed.</summary>
    public void Failed(string storage, Exception error)
    {
        var now = time.GetUtcNow();
        _outages.AddOrUpdate(
            storage,
            _ => new Outage(now, now, Describe(error)),
            (_, outage) => outage with { Last = now, Error = Describe(error) });
    }

    private static string Describe(Exception error) =>
        $"{error.GetType().Name}: {(error.InnerException ?? error).Message.Split('\n')[0]}";

    private sealed record Outage(DateTimeOffset Since, DateTimeOffset Last, string Error);
}
