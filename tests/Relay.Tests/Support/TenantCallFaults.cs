using System.Collections.Concurrent;
using Orleans.Runtime;
using Relay.Tenants;

namespace Relay.Tests.Support;

/// <summary>
/// Fails chosen calls to the tenant grain the way calls fail while the silo holding it dies: a grain armed here has
/// its Nth <see cref="ITenantGrain.GetConfigAsync"/> call answered with <see cref="SiloUnavailableException"/>.
/// Every other call passes; tests arm their own grains, so they do not see each other's faults.
/// </summary>
public sealed class TenantCallFaults : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<GrainId, Armed> _armed = new();

    /// <summary>Fails the <paramref name="callNumber"/>th tenant-config call <paramref name="caller"/> makes from now on.</summary>
    public void FailConfigCall(GrainId caller, int callNumber) => _armed[caller] = new Armed(callNumber);

    /// <summary>How many tenant-config calls the armed grain made.</summary>
    public int ConfigCalls(GrainId caller) => _armed.TryGetValue(caller, out var armed) ? armed.Calls : 0;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.SourceId is { } source
            && context.InterfaceMethod?.Name == nameof(ITenantGrain.GetConfigAsync)
            && _armed.TryGetValue(source, out var armed)
            && Interlocked.Increment(ref armed.Calls) == armed.FailAt)
        {
            throw new SiloUnavailableException($"Injected: the tenant grain's silo is unavailable to {source}.");
        }

        return context.Invoke();
    }

    private sealed class Armed(int failAt)
    {
        public readonly int FailAt = failAt;
        public int Calls;
    }
}
