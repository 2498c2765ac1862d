using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans;

namespace Relay.Hosting;

/// <summary>Ready when a grain call reaches an active silo.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(true, cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s)") : HealthCheckResult.Unhealthy("no active silo");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer", ex);
        }
    }
}
