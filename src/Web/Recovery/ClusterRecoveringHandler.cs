using Microsoft.AspNetCore.Diagnostics;

namespace Relay.Web.Recovery;

/// <summary>
/// Answers any endpoint's "cluster recovering" failure with 503 and <c>Retry-After</c> instead of a 500, so every API
/// behaves alike while a silo's grains move; other exceptions go on to the plain 500 answer.
/// </summary>
public sealed class ClusterRecoveringHandler(ClusterCalls calls, ILogger<ClusterRecoveringHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!ClusterRecovery.IsRecovering(exception))
        {
            return false;
        }

        // A handled exception is not logged by the middleware: a recovering cluster is worth a warning, not an error.
        if (exception is not ClusterRecoveringException)
        {
            logger.LogWarning(exception, "{Method} {Path} found the cluster recovering; answering 503", httpContext.Request.Method, httpContext.Request.Path);
        }

        await ClusterRecovery.WriteProblemAsync(httpContext, calls.Settings.RetryAfter);
        return true;
    }
}
