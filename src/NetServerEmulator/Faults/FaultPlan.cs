namespace Relay.NetServerEmulator.Faults;

/// <summary>
/// What the fault rules drawn for one call do to it, whichever protocol carries it (SOAP or REST): latency is already
/// served when the plan is made; <see cref="Refusal"/> answers instead of the handler (each endpoint in its own wire
/// form); otherwise the call is handled, late (<see cref="CommitLateMs"/>) and/or without an answer (<see cref="HangsUp"/>).
/// </summary>
public sealed class FaultPlan
{
    private FaultPlan(FaultRule? refusal, int hangMs, int commitLateMs)
    {
        Refusal = refusal;
        HangMs = hangMs;
        CommitLateMs = commitLateMs;
    }

    /// <summary>The rule that answers instead of the handler (ExceptionInfo, Http500/503/429, DropConnection); nothing is written.</summary>
    public FaultRule? Refusal { get; }

    /// <summary>How long the caller is kept waiting after the write before the connection is reset.</summary>
    public int HangMs { get; }

    /// <summary>How long the call is held before it is handled (not bound to the request).</summary>
    public int CommitLateMs { get; }

    /// <summary>Whether the call is handled and then never answered.</summary>
    public bool HangsUp => HangMs > 0 || CommitLateMs > 0;

    /// <summary>The request log's outcome for a call that hangs up.</summary>
    public string HangUpOutcome => CommitLateMs > 0 ? "fault: commit late" : "fault: timeout after commit";

    /// <summary>
    /// Draws the rules for <paramref name="agent"/>.<paramref name="operation"/> and serves their latency; the first
    /// refusing rule wins, as the rules are ordered.
    /// </summary>
    public static async Task<FaultPlan> DrawAsync(FaultInjector faults, string agent, string operation, CancellationToken cancellation)
    {
        var hangMs = 0;
        var commitLateMs = 0;
        foreach (var rule in faults.Draw(agent, operation))
        {
            switch (rule.Kind)
            {
                case FaultKind.Latency:
                    await Task.Delay(rule.LatencyMs, cancellation);
                    continue;
                case FaultKind.TimeoutAfterCommit:
                    hangMs = rule.HangMs;
                    continue;
                case FaultKind.CommitLate:
                    commitLateMs = rule.HangMs;
                    continue;
                default:
                    return new FaultPlan(rule, hangMs, commitLateMs);
            }
        }

        return new FaultPlan(null, hangMs, commitLateMs);
    }

    /// <summary>The request log's outcome for a refusal.</summary>
    public static string RefusalOutcome(FaultRule rule) => rule.Kind switch
    {
        FaultKind.DropConnection => "fault: dropped connection",
        FaultKind.Http500 => "fault: HTTP 500",
        FaultKind.Http503 => "fault: HTTP 503",
        FaultKind.Http429 => "fault: HTTP 429",
        _ => "fault: ExceptionInfo " + rule.ExceptionType,
    };

    /// <summary>
    /// Answers the refusals whose wire form is the same for SOAP and REST (503, 429, a dropped connection) and logs
    /// the status (0 for a dropped connection, logged before the reset); false when the endpoint must answer
    /// <paramref name="rule"/> itself.
    /// </summary>
    public static async Task<bool> TryWriteCommonRefusalAsync(HttpContext context, FaultRule rule, Action<int> log)
    {
        switch (rule.Kind)
        {
            case FaultKind.DropConnection:
                log(0);
                context.Abort();
                return true;
            case FaultKind.Http503:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><h1>Service Unavailable</h1></body></html>", context.RequestAborted);
                log(503);
                return true;
            case FaultKind.Http429:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("Too many requests", context.RequestAborted);
                log(429);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Holds the call before it is handled when it commits late: the caller gives up meanwhile, and the write must still land afterwards.</summary>
    public Task HoldBeforeCommitAsync() => CommitLateMs > 0 ? Task.Delay(CommitLateMs, CancellationToken.None) : Task.CompletedTask;

    /// <summary>After the write: keeps the caller waiting up to <see cref="HangMs"/> (or until it gives up), then resets the connection.</summary>
    public async Task HangUpAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(HangMs, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }

        context.Abort();
    }
}
