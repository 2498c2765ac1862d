using System.Collections.Concurrent;

namespace Relay.Hosting.Storage;

/// <summary>Whether each grain storage of this silo answers: when it last failed, since when, and why.</summary>
public sealed class StorageHealth(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Outage> _outages = new(StringComparer.Ordinal);

    /// <summary>The storages failing now: their name, since when and the last error.</summary>
    public IReadOnlyList<(string Storage, DateTimeOffset Since, string Error)> Failing =>
        [.. _outages.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, o.Value.Since, o.Value.Error))];

    /// <summary>A call to <paramref name="storage"/> succeeded: it answers again.</summary>
    public void Succeeded(string storage)
    {
        if (!_outages.IsEmpty)
        {
            _outages.TryRemove(storage, out _);
        }
    }

    /// <summary>A call to <paramref name="storage"/> failed.</summary>
    public void Failed(string storage, Exception error) =>
        _outages.AddOrUpdate(
            storage,
            _ => new Outage(time.GetUtcNow(), Describe(error)),
            (_, outage) => outage with { Error = Describe(error) });

    private static string Describe(Exception error) =>
        $"{error.GetType().Name}: {(error.InnerException ?? error).Message.Split('\n')[0]}";

    private sealed record Outage(DateTimeOffset Since, string Error);
}
