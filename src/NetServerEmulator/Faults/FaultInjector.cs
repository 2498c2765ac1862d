using System.Text.Json.Serialization;

namespace Relay.NetServerEmulator.Faults;

/// <summary>What an injected fault does to a call.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
public enum FaultKind
{
    /// <summary>Adds <see cref="FaultRule.LatencyMs"/> before the call is handled; the call then succeeds.</summary>
    Latency,

    /// <summary>Answers with an <c>ExceptionInfo</c> header and <c>Succeeded=false</c>; nothing is written.</summary>
    ExceptionInfo,

    /// <summary>Answers HTTP 500 with a SOAP fault; nothing is written.</summary>
    Http500,

    /// <summary>Answers HTTP 503 Service Unavailable (HTML body, as IIS does); nothing is written.</summary>
    Http503,

    /// <summary>Answers HTTP 429 Too Many Requests; nothing is written.</summary>
    Http429,

    /// <summary>Resets the connection before handling the call; nothing is written.</summary>
    DropConnection,

    /// <summary>Handles the call (the write happens) and then never answers; the connection is reset when the caller gives up.</summary>
    TimeoutAfterCommit,

    /// <summary>
    /// Holds the call for <see cref="FaultRule.HangMs"/> without answering, then handles it (the write happens after the
    /// caller gave up, and after whatever the caller did next) and resets the connection: a commit that lands late.
    /// </summary>
    CommitLate,
}

/// <summary>
/// One fault rule. <see cref="Operation"/> matches <c>Agent.Operation</c>, a bare operation name, <c>Agent.*</c>
/// or <c>*</c>. It fires with <see cref="Probability"/>, at most <see cref="Count"/> times when set.
/// </summary>
public sealed class FaultRule
{
    public string Operation { get; set; } = "*";
    public FaultKind Kind { get; set; }
    public double Probability { get; set; } = 1.0;
    public int? Count { get; set; }
    public int LatencyMs { get; set; }
    public string ExceptionType { get; set; } = "SoException";
    public string Message { get; set; } = "Injected failure";

    /// <summary>
    /// How long <see cref="FaultKind.TimeoutAfterCommit"/> holds the answer at most, and how long
    /// <see cref="FaultKind.CommitLate"/> holds the call before it writes.
    /// </summary>
    public int HangMs { get; set; } = 120_000;

    /// <summary>How often it fired so far.</summary>
    public int Fired { get; set; }

    internal bool Matches(string agent, string operation) =>
        Operation == "*"
        || string.Equals(Operation, operation, StringComparison.OrdinalIgnoreCase)
        || string.Equals(Operation, $"{agent}.{operation}", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Operation, $"{agent}.*", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The fault rules in force, settable at runtime through the admin API or in-process.</summary>
public sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<FaultRule> _rules = [];

    /// <summary>Adds a rule.</summary>
    public FaultRule Add(FaultRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
            return rule;
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>A snapshot of the rules.</summary>
    public IReadOnlyList<FaultRule> Rules()
    {
        lock (_gate)
        {
            return [.. _rules];
        }
    }

    /// <summary>The rules that fire for this call (latency first), consuming their counts.</summary>
    public IReadOnlyList<FaultRule> Draw(string agent, string operation)
    {
        lock (_gate)
        {
            var fired = new List<FaultRule>();
            foreach (var rule in _rules.Where(r => r.Matches(agent, operation)))
            {
                if (rule.Count is <= 0 || Random.Shared.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                if (rule.Count is { } remaining)
                {
                    rule.Count = remaining - 1;
                }

                rule.Fired++;
                fired.Add(rule);
            }

            return [.. fired.OrderBy(r => r.Kind == FaultKind.Latency ? 0 : 1)];
        }
    }
}
