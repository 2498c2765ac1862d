using Orleans.Runtime;
using Orleans.Storage;

namespace Relay.Hosting.Storage;

/// <summary>
/// A grain storage that tells <see cref="StorageHealth"/> whether its reads and writes succeed, so readiness can report
/// an outage. The storage's own client retries with backoff (see <c>Relay:Orleans:Azure:StorageRetries</c>); this only
/// watches. A conflict (<see cref="InconsistentStateException"/>) is the storage answering, not failing.
/// </summary>
public sealed class ObservedGrainStorage(string name, IGrainStorage inner, StorageHealth health) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ObserveAsync(inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ObserveAsync(inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ObserveAsync(inner.ClearStateAsync(stateName, grainId, grainState));

    /// <summary>The wrapped storage initialises itself (creates its table or container) in the silo's lifecycle.</summary>
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task ObserveAsync(Task call)
    {
        try
        {
            await call;
            health.Succeeded(name);
        }
        catch (InconsistentStateException)
        {
            health.Succeeded(name);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            health.Failed(name, ex);
            throw;
        }
    }
}
