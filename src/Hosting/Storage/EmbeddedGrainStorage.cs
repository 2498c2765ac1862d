using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Relay.Hosting.Storage;

/// <summary>
/// The embedded set's grain storage: state in <see cref="EmbeddedStateStore"/>, in this process. Orleans' memory
/// storage sends every read and write to a storage grain, a grain call that deep-copies the serialized state; this one
/// serializes and stores, nothing more. It keeps bytes rather than the state object, so what a later activation reads
/// is what was written, untouched by changes the live activation made after, or made and never wrote.
/// </summary>
public sealed class EmbeddedGrainStorage(string name, EmbeddedStateStore store, IGrainStorageSerializer serializer, IActivatorProvider activators)
    : IGrainStorage
{
    /// <summary>Reads as memory storage does: a grain with nothing stored gets a new state, no ETag, <c>RecordExists</c> false.</summary>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(() =>
    {
        var record = store.Read(name, stateName, grainId);
        var state = record is null ? default : serializer.Deserialize<T>(new BinaryData(record.Data));
        grainState.ETag = record?.ETag;
        grainState.State = state ?? activators.GetActivator<T>().Create();
        grainState.RecordExists = state is not null;
    });

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(() =>
    {
        var data = serializer.Serialize(grainState.State).ToMemory();
        grainState.ETag = store.Write(name, stateName, grainId, grainState.ETag, data);
        grainState.RecordExists = true;
    });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Run(() =>
    {
        store.Clear(name, stateName, grainId, grainState.ETag);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = activators.GetActivator<T>().Create();
    });

    // A refused write is a faulted task, as with any other storage, not an exception thrown at the caller.
    private static Task Run(Action operation)
    {
        try
        {
            operation();
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }
}
