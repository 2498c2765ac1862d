using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Runtime;
using Orleans.Storage;

namespace Relay.Hosting.Storage;

/// <summary>
/// The grain state of one embedded cluster, kept in this process: per storage, state name and grain, the serialized
/// state and its ETag. Every silo of the cluster in this process holds the same store (<see cref="Hold"/>), so a
/// contact that moves to another silo reads what it wrote on the first; another cluster in the process has its own.
/// </summary>
public sealed class EmbeddedStateStore
{
    private static readonly Dictionary<string, (EmbeddedStateStore Store, int Holders)> Clusters = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string Storage, string StateName), ConcurrentDictionary<GrainId, Record>> _states = new();
    private long _version;

    /// <summary>
    /// Takes a hold on the store of <paramref name="cluster"/> (its service and cluster id), creating it for the
    /// cluster's first silo in this process; the store is dropped when its last holder lets go.
    /// </summary>
    public static ClusterHold Hold(string cluster)
    {
        lock (Clusters)
        {
            var store = Clusters.TryGetValue(cluster, out var held) ? held.Store : new EmbeddedStateStore();
            Clusters[cluster] = (store, held.Holders + 1);
            return new ClusterHold(cluster, store);
        }
    }

    /// <summary>The stored state of a grain and its ETag; null when nothing is stored.</summary>
    public Record? Read(string storage, string stateName, GrainId grainId) =>
        _states.TryGetValue((storage, stateName), out var records) ? records.GetValueOrDefault(grainId) : null;

    /// <summary>
    /// Stores <paramref name="data"/> as the grain's state if <paramref name="etag"/> is the stored one (null when
    /// nothing is stored, <c>*</c> for any), and returns the new ETag; refuses with
    /// <see cref="InconsistentStateException"/> otherwise, as another activation's write would have changed it.
    /// </summary>
    public string Write(string storage, string stateName, GrainId grainId, string? etag, ReadOnlyMemory<byte> data)
    {
        var records = _states.GetOrAdd((storage, stateName), static _ => new());
        var next = new Record(Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture), data);
        while (true)
        {
            if (records.TryGetValue(grainId, out var current))
            {
                Check(current, etag, stateName, grainId);
                if (records.TryUpdate(grainId, next, current))
                {
                    return next.ETag;
                }
            }
            else
            {
                Check(null, etag, stateName, grainId);
                if (records.TryAdd(grainId, next))
                {
                    return next.ETag;
                }
            }
        }
    }

    /// <summary>Removes the grain's state if <paramref name="etag"/> is the stored one; refuses as <see cref="Write"/> does.</summary>
    public void Clear(string storage, string stateName, GrainId grainId, string? etag)
    {
        if (!_states.TryGetValue((storage, stateName), out var records))
        {
            Check(null, etag, stateName, grainId);
            return;
        }

        while (true)
        {
            var current = records.GetValueOrDefault(grainId);
            Check(current, etag, stateName, grainId);
            if (current is null || records.TryRemove(KeyValuePair.Create(grainId, current)))
            {
                return;
            }
        }
    }

    // Memory storage accepts any ETag where it has no record, to survive losing its storage grain; this store is not
    // lost while a silo of its cluster lives, so a write that expects a record which is not there is refused, as
    // Azure storage refuses it.
    private static void Check(Record? current, string? etag, string stateName, GrainId grainId)
    {
        if (etag == "*" || etag == current?.ETag)
        {
            return;
        }

        throw new InconsistentStateException($"ETag mismatch writing {stateName} of {grainId}", current?.ETag, etag);
    }

    /// <summary>A grain's stored state: its ETag and its serialized bytes, never changed once stored.</summary>
    public sealed class Record(string etag, ReadOnlyMemory<byte> data)
    {
        public string ETag { get; } = etag;

        public ReadOnlyMemory<byte> Data { get; } = data;
    }

    /// <summary>
    /// A silo's hold on its cluster's store; disposing it lets go (once). It is a lifecycle participant only so that
    /// the silo makes it as the silo is built.
    /// </summary>
    public sealed class ClusterHold(string cluster, EmbeddedStateStore store) : IDisposable, ILifecycleParticipant<ISiloLifecycle>
    {
        private int _released;

        /// <summary>The cluster's store.</summary>
        public EmbeddedStateStore Store { get; } = store;

        public void Participate(ISiloLifecycle lifecycle)
        {
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1)
            {
                return;
            }

            lock (Clusters)
            {
                var held = Clusters[cluster];
                if (held.Holders == 1)
                {
                    Clusters.Remove(cluster);
                }
                else
                {
                    Clusters[cluster] = (held.Store, held.Holders - 1);
                }
            }
        }
    }
}
