using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Hosting.Storage;
using Relay.Hosting.Streams;

namespace Relay.Hosting;

/// <summary>
/// Degraded while this silo's grain storage fails or triggers wait in their queues for redelivery. Still ready: ingest
/// goes on (triggers are queued, not lost), and taking the silo out of service would not bring storage back.
/// </summary>
public sealed class DeliveryHealthCheck(StorageHealth? storage, TriggerRedelivery? redelivery) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (storage is null || redelivery is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("this process hosts no silo"));
        }

        var failing = storage.Failing;
        var waiting = redelivery.Waiting;
        var data = new Dictionary<string, object> { ["triggersWaitingForRedelivery"] = waiting };
        var problems = failing.Select(f => $"storage '{f.Storage}' failing since {f.Since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}").ToList();
        if (waiting > 0)
        {
            problems.Add($"{waiting} trigger(s) waiting in their queues for redelivery");
        }

        foreach (var f in failing)
        {
            data[$"storage:{f.Storage}"] = f.Since;
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("grain storage answers; no trigger waits for redelivery", data)
            : HealthCheckResult.Degraded(string.Join("; ", problems), data: data));
    }
}
