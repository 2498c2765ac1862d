using Relay.Contacts;
using Relay.DeadLetters;
using Relay.Hosting;
using Relay.Leads;

namespace Relay.Tenants;

/// <summary>
/// A tenant's status: the activity the silos report every few seconds (triggers, CRM calls, outbox depth, circuit
/// state, last CRM error), joined with the parked actions, dead letters and leads the tenant's grains hold. Key: the
/// tenant id.
/// </summary>
[Alias("relay.ITenantStatusGrain")]
public interface ITenantStatusGrain : IGrainWithStringKey
{
    /// <summary>What one process (<paramref name="source"/>) counted since its last report.</summary>
    [Alias("Report")]
    Task ReportAsync(string source, TenantActivityReport report);

    /// <summary>The tenant's status now.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<TenantStatus> GetAsync();
}

/// <inheritdoc cref="ITenantStatusGrain"/>
/// <remarks>
/// Keeps only memory: after a restart the per-minute numbers fill again within a minute and the last CRM error is
/// forgotten (the dead letters' is not: they are stored).
/// </remarks>
public sealed class TenantStatusGrain(RelayClock time) : Grain, ITenantStatusGrain
{
    /// <summary>How long a process's levels (outbox depth, circuit state) count without a new report.</summary>
    public static readonly TimeSpan SourceLifetime = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Queue<(DateTimeOffset At, long Triggers, long Calls, long Failures)> _recent = new();
    private readonly Dictionary<string, (DateTimeOffset At, long Outbox, string CircuitBreaker)> _sources = new(StringComparer.Ordinal);
    private TenantError? _lastCrmError;

    Task ITenantStatusGrain.ReportAsync(string source, TenantActivityReport report)
    {
        var now = time.GetUtcNow();
        if (!report.IsQuiet)
        {
            _recent.Enqueue((now, report.Triggers, report.CrmCalls, report.CrmFailures));
        }

        _sources[source] = (now, report.Outbox, report.CircuitBreaker);
        if (report.LastError is { } error && (_lastCrmError is null || error.At >= _lastCrmError.At))
        {
            _lastCrmError = error;
        }

        Forget(now);
        return Task.CompletedTask;
    }

    async Task<TenantStatus> ITenantStatusGrain.GetAsync()
    {
        var tenant = this.GetPrimaryKeyString();
        var now = time.GetUtcNow();
        Forget(now);

        // Everything of this grain's own is read before the first await: reports interleave with this call.
        var (triggers, calls, failures) = (_recent.Sum(r => r.Triggers), _recent.Sum(r => r.Calls), _recent.Sum(r => r.Failures));
        var outbox = _sources.Values.Sum(s => s.Outbox);
        var breaker = _sources.Values.Select(s => s.CircuitBreaker).DefaultIfEmpty(CircuitBreakerStates.Closed).MaxBy(CircuitBreakerStates.Severity)!;
        var crmError = _lastCrmError;

        var configTask = GrainFactory.GetGrain<ITenantGrain>(tenant).GetConfigAsync();
        var parkedTask = GrainFactory.GetGrain<IParkedIndexGrain>(tenant).GetAsync(null, 0, 0);
        var lettersTask = GrainFactory.GetGrain<IDeadLetterGrain>(tenant).GetAsync(null, 0, 1);
        var leadsTask = LeadIndex.GetPageAsync(GrainFactory, tenant, 0, 0);
        await Task.WhenAll(configTask, parkedTask, lettersTask, leadsTask);
        var (config, parked, letters, leads) = (configTask.Result, parkedTask.Result, lettersTask.Result, leadsTask.Result);

        var rate = config?.Settings.CrmCallsPerSecond ?? TenantSettings.DefaultCrmCallsPerSecond;
        var newestLetter = letters.Items.FirstOrDefault();
        var letterError = newestLetter is null ? null : new TenantError(newestLetter.At, "dead-letter", newestLetter.ErrorType, newestLetter.Reason);
        return new TenantStatus(
            tenant,
            now,
            triggers,
            new TenantBacklog(outbox, leads.Total),
            new TenantCrmUse(calls, failures, rate, rate * 60L),
            breaker,
            new TenantErrorCounts(parked.Groups.Sum(g => g.Actions), [.. parked.Groups.Select(g => new TenantErrorCount(g.ErrorType, g.Actions, g.Example))]),
            new TenantErrorCounts(letters.Total, [.. letters.ByErrorType.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => new TenantErrorCount(e.Key, e.Value))]),
            new[] { crmError, letterError }.Where(e => e is not null).MaxBy(e => e!.At));
    }

    private void Forget(DateTimeOffset now)
    {
        while (_recent.TryPeek(out var oldest) && now - oldest.At > Window)
        {
            _recent.Dequeue();
        }

        foreach (var stale in _sources.Where(s => now - s.Value.At > SourceLifetime).Select(s => s.Key).ToList())
        {
            _sources.Remove(stale);
        }
    }
}
