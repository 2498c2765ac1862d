using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relay.Resilience;
using Relay.Tenants;

namespace Relay.Observability;

/// <summary>
/// Sends this process's <see cref="TenantActivity"/> and the state of each tenant's circuit breaker here to the tenants'
/// <see cref="ITenantStatusGrain"/>s every <see cref="Interval"/>. A tenant with nothing new is reported again only now
/// and then, so that its status grain keeps this process's outbox depth and circuit state.
/// </summary>
public sealed partial class TenantActivityReporter(TenantActivity activity, CrmCircuitBreakers breakers, IGrainFactory grains, ILogger<TenantActivityReporter> logger)
    : BackgroundService
{
    /// <summary>How often the counts are sent.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>How often an unchanged, non-idle tenant is reported anyway; the status grain forgets a source after <see cref="TenantStatusGrain.SourceLifetime"/>.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);

    private readonly string _source = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Dictionary<string, (TenantActivityReport Report, DateTimeOffset At)> _sent = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await ReportAsync();
        }
    }

    private async Task ReportAsync()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (tenant, counted) in activity.Take())
        {
            var report = counted with { CircuitBreaker = breakers.StateOf(tenant) };
            var last = _sent.GetValueOrDefault(tenant);
            var changed = !report.IsQuiet || last.Report is null || !last.Report.SameLevels(report);
            var due = !report.IsIdle && now - last.At > Heartbeat;
            if (!changed && !due)
            {
                continue;
            }

            try
            {
                await grains.GetGrain<ITenantStatusGrain>(tenant).ReportAsync(_source, report);
                _sent[tenant] = (report, now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Lost counts only make the console's numbers low for a minute; the pipeline is not held up for them.
                LogReportFailed(logger, ex, tenant);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The activity of tenant {TenantId} could not be reported; it is counted again from now")]
    private static partial void LogReportFailed(ILogger logger, Exception ex, string tenantId);
}
