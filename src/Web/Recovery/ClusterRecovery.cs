using System.Globalization;
using System.Net.Sockets;
using Orleans.Networking.Shared;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Relay.Web.Recovery;

/// <summary>
/// Tells a cluster that is recovering from a lost silo apart from a bug. For the 20–30 s until membership declares a
/// dead silo dead, calls to the activations it held are rejected, fail to connect or time out; they succeed again
/// once the grains are placed on the silos left, so the caller should be told to come back, not that Relay failed.
/// </summary>
public static class ClusterRecovery
{
    /// <summary>
    /// Whether <paramref name="exception"/>, or one it wraps, is the cluster recovering: a rejected message (its target
    /// silo is unavailable), a failed or dropped silo connection, a busy gateway, a grain call that timed out, or
    /// <see cref="ClusterRecoveringException"/> once the request's budget ran out. Validation errors, unknown grains,
    /// serialization faults and a grain's own exceptions are not: they are bugs or answers, and are not retried.
    /// </summary>
    public static bool IsRecovering(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Any(IsRecovering);
            }

            if (e is ClusterRecoveringException
                or OrleansMessageRejectionException
                or ConnectionFailedException
                or SocketConnectionException
                or GatewayTooBusyException
                or SocketException
                or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets <c>Retry-After</c> and writes the 503 problem every API answers while the cluster recovers.</summary>
    public static Task WriteProblemAsync(HttpContext context, TimeSpan retryAfter)
    {
        SetRetryAfter(context.Response, retryAfter);
        return Problems.Create(
            StatusCodes.Status503ServiceUnavailable,
            "Relay's cluster is recovering",
            $"A Relay server stopped and its work is moving to the others, which takes up to about 30 seconds. Send the request again after {Seconds(retryAfter)} seconds.")
            .ExecuteAsync(context);
    }

    /// <summary>Sets <c>Retry-After</c> to whole seconds, at least one.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan retryAfter) =>
        response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);

    private static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
}

/// <summary>The cluster was still recovering when a request's budget for waiting on it ran out; answered 503 with <c>Retry-After</c>.</summary>
public sealed class ClusterRecoveringException(Exception? lastFailure)
    : Exception("Relay's cluster was still recovering from a lost silo when the request's budget ran out.", lastFailure);

/// <summary>
/// Section <c>Relay:Web:Recovery</c>: how long one request waits for a recovering cluster before it is answered 503,
/// and the <c>Retry-After</c> that answer carries.
/// </summary>
public sealed class ClusterRecoverySettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Web:Recovery";

    /// <summary>How long one request retries calls the cluster cannot answer yet; zero answers 503 at the first failure.</summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> of the 503 answered once the budget is spent.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The settings from configuration; fails fast, naming the setting, on a value out of range.</summary>
    public static ClusterRecoverySettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<ClusterRecoverySettings>() ?? new();
        var errors = new List<string>();
        if (settings.Budget < TimeSpan.Zero || settings.Budget > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Section}:Budget must be between 00:00:00 and 00:01:00");
        }

        if (settings.RetryAfter < TimeSpan.FromSeconds(1) || settings.RetryAfter > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Section}:RetryAfter must be between 00:00:01 and 00:05:00");
        }

        return errors.Count == 0 ? settings : throw new InvalidOperationException("Relay cannot start: " + string.Join("; ", errors));
    }
}
