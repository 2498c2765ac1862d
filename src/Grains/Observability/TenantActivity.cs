using System.Collections.Concurrent;
using Relay.Tenants;

namespace Relay.Observability;

/// <summary>
/// What this process saw of each tenant since it last reported: triggers processed, CRM calls and failures, the last
/// CRM error, and the actions waiting in the outboxes of the tenant's contacts active here. The trigger and CRM paths
/// only increment these in memory; <see cref="TenantActivityReporter"/> sends them to the tenant's
/// <see cref="ITenantStatusGrain"/> every few seconds.
/// </summary>
public sealed class TenantActivity
{
    private readonly ConcurrentDictionary<string, Counters> _tenants = new(StringComparer.Ordinal);

    /// <summary>A trigger was recorded on a contact's timeline.</summary>
    public void Trigger(string tenantId) => Interlocked.Increment(ref Of(tenantId).Triggers);

    /// <summary>The outbox depth of the tenant's active contacts changed by <paramref name="delta"/>.</summary>
    public void OutboxChanged(string tenantId, long delta)
    {
        if (delta != 0)
        {
            Interlocked.Add(ref Of(tenantId).Outbox, delta);
        }
    }

    /// <summary>A CRM call of the tenant ended; <paramref name="failure"/> is its error when it failed.</summary>
    public void CrmCall(string tenantId, TenantError? failure)
    {
        var counters = Of(tenantId);
        Interlocked.Increment(ref counters.CrmCalls);
        if (failure is not null)
        {
            Interlocked.Increment(ref counters.CrmFailures);
            counters.LastError = failure;
        }
    }

    /// <summary>
    /// Takes what was counted for every tenant seen since the last call (the counts start again from zero; the outbox
    /// depth is a level and stays).
    /// </summary>
    public IReadOnlyList<(string TenantId, TenantActivityReport Report)> Take() =>
        [.. _tenants.Select(t => (t.Key, new TenantActivityReport(
            Interlocked.Exchange(ref t.Value.Triggers, 0),
            Interlocked.Exchange(ref t.Value.CrmCalls, 0),
            Interlocked.Exchange(ref t.Value.CrmFailures, 0),
            Interlocked.Read(ref t.Value.Outbox),
            Interlocked.Exchange(ref t.Value.LastError, null))))];

    private Counters Of(string tenantId) => _tenants.GetOrAdd(tenantId, static _ => new Counters());

    private sealed class Counters
    {
        public long Triggers;
        public long CrmCalls;
        public long CrmFailures;
        public long Outbox;
        public TenantError? LastError;
    }
}
