namespace Relay.Web;

/// <summary>RFC 7807 problem answers that say what happened in plain words.</summary>
internal static class Problems
{
    public static ProblemHttpResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult UnknownTenant(string tenant) =>
        Create(StatusCodes.Status404NotFound, "Unknown tenant", $"Relay has no tenant '{tenant}'.");
}
