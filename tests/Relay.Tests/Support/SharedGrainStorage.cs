using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Relay.Tests.Support;

/// <summary>
/// Grain state kept outside every silo, the way Azure Table storage is: one instance shared by all silos of an
/// in-process test cluster, which tests can also read, seed, fail and supersede (the embedded store keeps state
/// across silos too, but offers no such handles). Each silo copies state in and out with its own Orleans serializer;
/// ETags are checked.
/// </summary>
public sealed class SharedGrainStore
{
    private readonly ConcurrentDictionary<string, (string ETag, byte[] Data)> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GrainId, bool> _failNextWrite = new();
    private readonly ConcurrentDictionary<GrainId, int> _writes = new();
    private long _version;

    /// <summary>Makes the grain's next state write fail, as a storage that does not answer would.</summary>
    public void FailNextWrite(GrainId grainId) => _failNextWrite[grainId] = true;

    /// <summary>
    /// Gives the grain's stored row a new ETag, as a write by another activation of the grain would: the activation
    /// that read it before has its next write refused.
    /// </summary>
    public void Supersede(string stateName, GrainId grainId)
    {
        lock (_rows)
        {
            var key = Storage.Key(stateName, grainId);
            _rows[key] = (Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture), _rows[key].Data);
        }
    }

    /// <summary>How many state writes of the grain were stored so far.</summary>
    public int Writes(GrainId grainId) => _writes.GetValueOrDefault(grainId);

    /// <summary>The stored state of a grain, as the next activation would read it; null when nothing is stored.</summary>
    public T? Read<T>(Serializer serializer, string stateName, GrainId grainId)
        where T : class =>
        _rows.TryGetValue(Storage.Key(stateName, grainId), out var row) ? serializer.Deserialize<T>(row.Data) : null;

    /// <summary>Every stored row: its key (state name and grain id) and its bytes, exactly as the storage holds them.</summary>
    public IEnumerable<(string Key, byte[] Data)> Rows => _rows.Select(r => (r.Key, r.Value.Data));

    /// <summary>The stored bytes of a grain's state, exactly as the storage holds them; null when nothing is stored.</summary>
    public byte[]? Raw(string stateName, GrainId grainId) =>
        _rows.TryGetValue(Storage.Key(stateName, grainId), out var row) ? row.Data : null;

    /// <summary>Stores a grain's state as an earlier version of Relay would have, for the next activation to read.</summary>
    public void Write<T>(Serializer serializer, string stateName, GrainId grainId, T state)
    {
        var etag = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _rows[Storage.Key(stateName, grainId)] = (etag, serializer.SerializeToArray(state));
    }

    /// <summary>The storage a silo uses, over this store.</summary>
    public IGrainStorage For(Serializer serializer) => new Storage(this, serializer);

    private sealed class Storage(SharedGrainStore store, Serializer serializer) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (store._rows.TryGetValue(Key(stateName, grainId), out var row))
            {
                grainState.State = serializer.Deserialize<T>(row.Data);
                grainState.ETag = row.ETag;
                grainState.RecordExists = true;
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (store._failNextWrite.TryRemove(grainId, out _))
            {
                throw new TimeoutException($"Injected: the storage did not answer a write of {grainId}.");
            }

            var key = Key(stateName, grainId);
            var data = serializer.SerializeToArray(grainState.State);
            lock (store._rows)
            {
                var stored = store._rows.TryGetValue(key, out var row) ? row.ETag : null;
                if (stored != grainState.ETag)
                {
                    throw new InconsistentStateException($"ETag mismatch for {key}", stored, grainState.ETag);
                }

                var etag = Interlocked.Increment(ref store._version).ToString(System.Globalization.CultureInfo.InvariantCulture);
                store._rows[key] = (etag, data);
                store._writes.AddOrUpdate(grainId, 1, (_, n) => n + 1);
                grainState.ETag = etag;
                grainState.RecordExists = true;
            }

            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            store._rows.TryRemove(Key(stateName, grainId), out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        public static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
    }
}
