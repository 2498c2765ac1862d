using System.Diagnostics;
using Relay.Crm;

namespace Relay.Observability;

/// <summary>Relay's traces: the activity source that ingest and CRM calls start their activities on.</summary>
public static class RelayTelemetry
{
    /// <summary>Relay's activity source: ingest and CRM calls.</summary>
    public static readonly ActivitySource Source = new(RelayMetrics.MeterName);
}
