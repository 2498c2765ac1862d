using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Relay.Tests.Support;

/// <summary>
/// Grain storage that outlives any silo of an in-process cluster, as Azure Table or Blob storage does in
/// production. Orleans' memory storage keeps state inside storage grains that die with their silo, so a test
/// that kills a silo and expects the work to resume would be testing the storage, not Relay. States are kept
/// as serialized bytes with a version as ETag; a stale ETag throws <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SharedGrainStorage
{
    private readonly ConcurrentDictionary<string, (byte[] Data, long Version)> _states = new(StringComparer.Ordinal);

    /// <summary>How many states are stored.</summary>
    public int Count => _states.Count;

    /// <summary>A view for one silo, serializing with that silo's serializer.</summary>
    public IGrainStorage For(Serializer serializer) => new View(this, serializer);

    private sealed class View(SharedGrainStorage shared, Serializer serializer) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (shared._states.TryGetValue(Key(stateName, grainId), out var stored))
            {
                grainState.State = serializer.Deserialize<T>(stored.Data);
                grainState.ETag = stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                grainState.RecordExists = true;
            }
            else
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var key = Key(stateName, grainId);
            var data = serializer.SerializeToArray(grainState.State);
            var updated = shared._states.AddOrUpdate(
                key,
                _ => grainState.ETag is null ? (data, 1) : throw Stale(key, grainState.ETag, null),
                (_, current) => grainState.ETag == current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ? (data, current.Version + 1) : throw Stale(key, grainState.ETag, current.Version));
            grainState.ETag = updated.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            shared._states.TryRemove(Key(stateName, grainId), out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
            return Task.CompletedTask;
        }

        private static string Key(string stateName, GrainId grainId) => $"{stateName}|{grainId}";

        private static InconsistentStateException Stale(string key, string? given, long? current) =>
            new($"Stale ETag for {key}", given ?? "(none)", current?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
    }
}
