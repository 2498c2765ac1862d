using Polly;
using Polly.Retry;

namespace Relay.Web.Recovery;

/// <summary>
/// Calls into the cluster that ride out a silo's death within the request's budget. A call that fails because the
/// cluster is recovering (<see cref="ClusterRecovery.IsRecovering"/>) is tried again with exponential backoff and
/// jitter until it succeeds or the budget is spent; then <see cref="ClusterRecoveringException"/> says so. Any
/// other failure is thrown at once. The retry is Polly's, which the silos' CRM port already uses.
/// </summary>
public sealed class ClusterCalls
{
    private static readonly ResiliencePropertyKey<Exception> LastFailure = new("relay.cluster-recovering");

    private readonly ResiliencePipeline _retry;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterCalls> _logger;

    /// <summary>Creates the calls with the budget of <paramref name="settings"/>.</summary>
    public ClusterCalls(ClusterRecoverySettings settings, TimeProvider time, ILogger<ClusterCalls> logger)
    {
        Settings = settings;
        _time = time;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && ClusterRecovery.IsRecovering(e)),

                // The request's budget bounds the attempts, not a count.
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(1),
                UseJitter = true,
                OnRetry = args =>
                {
                    args.Context.Properties.Set(LastFailure, args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The budget and the <c>Retry-After</c> the API answers with.</summary>
    public ClusterRecoverySettings Settings { get; }

    /// <summary>The budget of <paramref name="context"/>'s request, started by its first call into the cluster and shared by all of them.</summary>
    public RecoveryBudget BudgetOf(HttpContext context)
    {
        if (context.Items[typeof(RecoveryBudget)] is not RecoveryBudget budget)
        {
            budget = new RecoveryBudget(_time.GetUtcNow() + Settings.Budget, context.RequestAborted);
            context.Items[typeof(RecoveryBudget)] = budget;
        }

        return budget;
    }

    /// <summary>Calls <paramref name="call"/> within <paramref name="budget"/>.</summary>
    public async Task<T> RunAsync<T>(RecoveryBudget budget, Func<Task<T>> call)
    {
        var left = budget.Deadline - _time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            // A spent budget still allows one attempt: a healthy cluster answers it at once.
            try
            {
                return await call();
            }
            catch (Exception ex) when (ClusterRecovery.IsRecovering(ex) && ex is not ClusterRecoveringException)
            {
                throw Spent(budget, ex);
            }
        }

        using var spent = new CancellationTokenSource(left, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(spent.Token, budget.RequestAborted);
        var context = ResilienceContextPool.Shared.Get(linked.Token);
        try
        {
            // Orleans calls take no token here: an attempt still running when the budget ends is left to finish on its own.
            return await _retry.ExecuteAsync(static async (c, call) => await call().WaitAsync(c.CancellationToken), context, call);
        }
        catch (OperationCanceledException) when (spent.IsCancellationRequested && !budget.RequestAborted.IsCancellationRequested)
        {
            throw Spent(budget, context.Properties.GetValue(LastFailure, null!));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Calls <paramref name="call"/> within <paramref name="budget"/>.</summary>
    public Task RunAsync(RecoveryBudget budget, Func<Task> call) =>
        RunAsync(budget, async () =>
        {
            await call();
            return true;
        });

    private ClusterRecoveringException Spent(RecoveryBudget budget, Exception? lastFailure)
    {
        if (budget.FirstToReportSpent())
        {
            _logger.LogWarning(lastFailure, "The cluster did not answer within the request's recovery budget of {Budget}; answering 503", Settings.Budget);
        }

        return new ClusterRecoveringException(lastFailure);
    }
}

/// <summary>The deadline by which one request's calls into a recovering cluster must succeed.</summary>
public sealed class RecoveryBudget(DateTimeOffset deadline, CancellationToken requestAborted)
{
    private int _reported;

    /// <summary>When the request stops waiting for the cluster.</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>The request's own end: a caller that left is not waited for.</summary>
    public CancellationToken RequestAborted { get; } = requestAborted;

    /// <summary>True the first time only: a batch's parallel sends spend one budget, which is worth one warning.</summary>
    internal bool FirstToReportSpent() => Interlocked.Exchange(ref _reported, 1) == 0;
}
