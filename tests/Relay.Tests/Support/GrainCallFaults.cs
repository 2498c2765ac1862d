using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Relay.Tests.Support;

/// <summary>
/// Fails chosen grain calls the way calls fail while the silo holding their target dies: a grain armed here has its
/// Nth call of the named method answered with <see cref="SiloUnavailableException"/>. Every other call passes;
/// tests arm their own grains, so they do not see each other's faults. It also notes which activation answered each
/// grain's latest call, so a test can tell a replaced activation from the one it knew.
/// </summary>
public sealed class GrainCallFaults : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(GrainId Caller, string Method), Armed> _armed = new();
    private readonly ConcurrentDictionary<GrainId, ActivationId> _lastActivation = new();

    /// <summary>Fails the <paramref name="callNumber"/>th call of <paramref name="method"/> that <paramref name="caller"/> makes from now on.</summary>
    public void FailCall(GrainId caller, string method, int callNumber) => _armed[(caller, method)] = new Armed(callNumber);

    /// <summary>How many calls of <paramref name="method"/> the armed grain made.</summary>
    public int Calls(GrainId caller, string method) => _armed.TryGetValue((caller, method), out var armed) ? armed.Calls : 0;

    /// <summary>The activation that answered the latest call to <paramref name="grain"/>; null before any call.</summary>
    public ActivationId? LastActivation(GrainId grain) => _lastActivation.TryGetValue(grain, out var activation) ? activation : null;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        _lastActivation[context.TargetId] = context.TargetContext.ActivationId;
        if (context.SourceId is { } source
            && context.InterfaceMethod?.Name is { } method
            && _armed.TryGetValue((source, method), out var armed)
            && Interlocked.Increment(ref armed.Calls) == armed.FailAt)
        {
            throw new SiloUnavailableException($"Injected: {method} called by {source} found its target's silo unavailable.");
        }

        return context.Invoke();
    }

    private sealed class Armed(int failAt)
    {
        public readonly int FailAt = failAt;
        public int Calls;
    }
}
