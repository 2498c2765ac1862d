using System.Diagnostics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relay.Crm;

namespace Relay.Resilience;

/// <summary>How long a CRM request may wait for its tenant's budget before its action steps back and tries later.</summary>
public sealed class CrmRateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Crm:RateLimit";

    /// <summary>The longest wait for a permit; beyond it the call fails transiently with a <c>RetryAfter</c>.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The silo's side of the per-tenant rate limit: requests wait here, rep-facing before bulk, while one pump per
/// tenant leases permits from the tenant's <see cref="ITenantBudgetGrain"/> as the queue needs them. Permits are
/// spent at once, so the cluster as a whole never runs ahead of the tenant's budget.
/// </summary>
public sealed partial class CrmRateLimiter(IGrainFactory grains, IOptions<CrmRateLimitOptions> options, ILogger<CrmRateLimiter> logger) : ICrmRequestGate
{
    private readonly IGrainFactory _grains = grains;
    private readonly CrmRateLimitOptions _options = options.Value;
    private readonly ILogger _logger = logger;
    private readonly ConcurrentDictionary<string, TenantQueue> _tenants = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask WaitAsync(string tenantId, CancellationToken cancellationToken) =>
        _tenants.GetOrAdd(tenantId, id => new TenantQueue(this, id)).WaitAsync(CrmCallContext.Priority, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leasing CRM permits for tenant {TenantId} failed; asking again shortly")]
    private static partial void LogLeaseFailed(ILogger logger, Exception ex, string tenantId);

    /// <summary>One tenant's waiting requests, by priority, and the permits leased for them.</summary>
    private sealed class TenantQueue(CrmRateLimiter owner, string tenantId)
    {
        // Permits are for immediate use; a few left over when waiters gave up are not kept for a later burst.
        private static readonly TimeSpan PermitLifetime = TimeSpan.FromMilliseconds(500);

        private readonly Lock _gate = new();
        private readonly Queue<TaskCompletionSource>[] _waiting = [new(), new()];
        private int _permits;
        private long _permitsLeasedAt;
        private int _takenSinceLease;
        private bool _pumping;

        public ValueTask WaitAsync(CrmPriority priority, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                // The common case under steady load: a permit leased ahead is waiting, nothing to allocate or await.
                if (TakePermit())
                {
                    return ValueTask.CompletedTask;
                }
            }

            return WaitForPermitAsync(priority, cancellationToken);
        }

        private async ValueTask WaitForPermitAsync(CrmPriority priority, CancellationToken cancellationToken)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (TakePermit())
                {
                    return;
                }

                _waiting[(int)priority].Enqueue(waiter);
                if (!_pumping)
                {
                    _pumping = true;
                    _ = Task.Run(PumpAsync, CancellationToken.None);
                }
            }

            var maxWait = owner._options.MaxWait;
            try
            {
                await waiter.Task.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (waiter.TrySetCanceled(CancellationToken.None))
            {
                throw new CrmException(CrmErrorKind.Transient, "RateLimited", $"Tenant {tenantId}: no CRM request permit within {maxWait.TotalSeconds:0} s; the budget is busy.")
                {
                    RetryAfter = TimeSpan.FromSeconds(1),
                };
            }
            catch (OperationCanceledException) when (waiter.TrySetCanceled(CancellationToken.None))
            {
                throw;
            }
        }

        private bool TakePermit()
        {
            if (_permits > 0 && Stopwatch.GetElapsedTime(_permitsLeasedAt) > PermitLifetime)
            {
                _permits = 0;
            }

            if (_permits == 0)
            {
                return false;
            }

            _permits--;
            _takenSinceLease++;
            return true;
        }

        private async Task PumpAsync()
        {
            while (true)
            {
                int wanted;
                int ask;
                CrmPriority top;
                lock (_gate)
                {
                    while (_waiting[0].Count + _waiting[1].Count > 0 && TakePermit())
                    {
                        // A waiter that gave up in the meantime leaves the permit to the next one.
                        var next = _waiting[0].Count > 0 ? _waiting[0].Dequeue() : _waiting[1].Dequeue();
                        if (!next.TrySetResult())
                        {
                            _permits++;
                        }
                    }

                    DropGivenUp();
                    wanted = _waiting[0].Count + _waiting[1].Count;
                    if (wanted == 0)
                    {
                        _pumping = false;
                        return;
                    }

                    top = _waiting[0].Count > 0 ? CrmPriority.RepFacing : CrmPriority.Bulk;

                    // Ask for the waiters and, ahead, for as many as were taken since the last lease: requests that
                    // arrive during the next round trip to the budget grain then find a permit instead of queueing.
                    // Unused permits lapse after PermitLifetime, so leasing ahead never spends more than the budget;
                    // the budget grain caps each lease (TenantBudgetGrain.MaxLease).
                    ask = wanted + _takenSinceLease;
                    _takenSinceLease = 0;
                }

                try
                {
                    var lease = await owner._grains.GetGrain<ITenantBudgetGrain>(tenantId).LeaseAsync(ask, top).ConfigureAwait(false);
                    if (lease.Granted > 0)
                    {
                        lock (_gate)
                        {
                            _permits = lease.Granted;
                            _permitsLeasedAt = Stopwatch.GetTimestamp();
                        }
                    }
                    else
                    {
                        await Task.Delay(lease.RetryAfter).ConfigureAwait(false);
                    }
                }
                catch (Exception ex)
                {
                    LogLeaseFailed(owner._logger, ex, tenantId);
                    await Task.Delay(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
                }
            }
        }

        private void DropGivenUp()
        {
            foreach (var queue in _waiting)
            {
                while (queue.Count > 0 && queue.Peek().Task.IsCompleted)
                {
                    queue.Dequeue();
                }
            }
        }
    }
}
