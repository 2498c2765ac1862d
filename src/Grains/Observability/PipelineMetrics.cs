using System.Diagnostics;
using System.Diagnostics.Metrics;
using Relay.Crm;
using Relay.Triggers;

namespace Relay.Observability;

/// <summary>
/// The trigger pipeline's instruments, on the meter <see cref="RelayMetrics.MeterName"/>: triggers received,
/// processed, deduplicated and dead-lettered, actions by type and outcome, outbox depth, leads, and the lag from a trigger's
/// <c>occurredAt</c> to its CRM commit. CRM call counts and latency are <see cref="RelayMetrics"/>'.
/// </summary>
public sealed class PipelineMetrics
{
    private readonly Counter<long> _received;
    private readonly Counter<long> _processed;
    private readonly Counter<long> _deduplicated;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _actions;
    private readonly UpDownCounter<long> _outbox;
    private readonly Counter<long> _leads;
    private readonly Histogram<double> _lag;
    private readonly TenantActivity? _tenants;

    /// <summary>
    /// The instruments, and the per-tenant counts of the console's status (<paramref name="tenants"/>, on silos; a web
    /// host that only ingests has none).
    /// </summary>
    public PipelineMetrics(IMeterFactory meterFactory, TenantActivity? tenants = null)
    {
        _tenants = tenants;
        var meter = meterFactory.Create(RelayMetrics.MeterName);
        _received = meter.CreateCounter<long>("relay.triggers.received", description: "Triggers accepted by the ingest API and handed to their contact's stream");
        _processed = meter.CreateCounter<long>("relay.triggers.processed", description: "Triggers recorded on a contact's timeline");
        _deduplicated = meter.CreateCounter<long>("relay.triggers.deduplicated", description: "Redelivered or resent triggers a contact had already seen");
        _deadLettered = meter.CreateCounter<long>("relay.triggers.deadlettered", description: "Triggers a contact could not process, kept in the tenant's dead letters, by tenant and error type");
        _actions = meter.CreateCounter<long>("relay.actions", description: "CRM actions by type and outcome (succeeded, parked, retry)");
        _outbox = meter.CreateUpDownCounter<long>("relay.outbox.depth", description: "Actions waiting in the outboxes of the contacts active on this silo");
        _leads = meter.CreateCounter<long>("relay.leads.created", description: "Contacts that became leads, by reason (new, ambiguous)");
        _lag = meter.CreateHistogram<double>(
            "relay.trigger.lag",
            unit: "s",
            description: "From a trigger's occurredAt to the CRM commit of its action",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600] });
    }

    /// <summary>A trigger was handed to its contact's stream.</summary>
    public void Received(string tenantId, TriggerType type) =>
        _received.Add(1, new TagList { { "tenant", tenantId }, { "type", type.ToName() } });

    /// <summary>A trigger was recorded on its contact's timeline.</summary>
    public void Processed(string tenantId, TriggerType type)
    {
        _processed.Add(1, new KeyValuePair<string, object?>("type", type.ToName()));
        _tenants?.Trigger(tenantId);
    }

    /// <summary>A trigger id the contact had seen was dropped.</summary>
    public void Deduplicated(string tenantId) => _deduplicated.Add(1, new KeyValuePair<string, object?>("tenant", tenantId));

    /// <summary>A trigger was dead-lettered for <paramref name="errorType"/>: counted apart from duplicates, which are harmless.</summary>
    public void DeadLettered(string tenantId, string errorType) =>
        _deadLettered.Add(1, new TagList { { "tenant", tenantId }, { "error_type", errorType } });

    /// <summary>An action ended an attempt: <c>succeeded</c>, <c>parked</c> or <c>retry</c>.</summary>
    public void Action(ActionKind kind, string outcome) =>
        _actions.Add(1, new TagList { { "type", System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(kind.ToString()) }, { "outcome", outcome } });

    /// <summary>A CRM action committed; <paramref name="lag"/> runs from the trigger's <c>occurredAt</c>.</summary>
    public void Committed(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    /// <summary>The outbox depth of the tenant's active contacts changed by <paramref name="delta"/>.</summary>
    public void OutboxChanged(string tenantId, long delta)
    {
        if (delta != 0)
        {
            _outbox.Add(delta);
            _tenants?.OutboxChanged(tenantId, delta);
        }
    }

    /// <summary>A contact became a lead.</summary>
    public void LeadCreated(string reason) => _leads.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
