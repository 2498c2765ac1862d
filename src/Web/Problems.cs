namespace Relay.Web;

/// <summary>RFC 7807 problem answers that say what happened in plain words.</summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    /// <summary>
    /// The answer to an unhandled exception, in every environment: a plain 500 with the trace id and no
    /// exception type, message or stack, which stay in the log.
    /// </summary>
    public static Task WriteUnexpectedAsync(HttpContext context) =>
        Create(StatusCodes.Status500InternalServerError, "Relay could not answer this request", "An unexpected error occurred; it has been logged. Try again later, and quote the traceId if it persists.")
            .ExecuteAsync(context);

    public static ProblemHttpResult UnknownTenant(string tenant) =>
        Create(StatusCodes.Status404NotFound, "Unknown tenant", $"Relay has no tenant '{tenant}'.");

    /// <summary>The answer when SuperOffice could not be asked: 503 for what may pass, 502 for what will not.</summary>
    public static ProblemHttpResult CrmUnanswered(Relay.Crm.CrmException ex) =>
        Create(
            ex.Kind == Relay.Crm.CrmErrorKind.Permanent ? StatusCodes.Status502BadGateway : StatusCodes.Status503ServiceUnavailable,
            "SuperOffice did not say",
            ex.Message,
            new Dictionary<string, object?> { ["errorType"] = ex.ErrorType });
}
