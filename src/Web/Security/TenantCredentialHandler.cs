using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Relay.Access;
using Relay.Web.Recovery;

namespace Relay.Web.Security;

/// <summary>
/// What Relay's own schemes answer when a credential is missing, wrong or not enough: problem details naming the
/// reason. Their lookups in the cluster ride out a recovering cluster within the request's budget (<see cref="Calls"/>).
/// </summary>
public abstract class RelayAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ClusterCalls calls)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Calls into the cluster within the request's budget.</summary>
    protected ClusterCalls Calls { get; } = calls;

    /// <summary>Calls <paramref name="call"/> within the request's budget.</summary>
    protected Task<T> CallClusterAsync<T>(Func<Task<T>> call) => Calls.RunAsync(Calls.BudgetOf(Context), call);

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        if (failure is not null && ClusterRecovery.IsRecovering(failure))
        {
            // The credential could not be checked yet: the caller is neither authenticated nor told it is wrong.
            await ClusterRecovery.WriteProblemAsync(Context, Calls.Settings.RetryAfter);
            return;
        }

        Response.Headers.WWWAuthenticate = "Bearer realm=\"Relay\"";

        // Only Relay's own reasons are shown; anything else (a cluster that does not answer) stays in the log.
        var reason = failure is AuthenticationFailureException ? failure.Message : "The credential could not be checked.";
        await Problems.Create(StatusCodes.Status401Unauthorized, "The credential was not accepted", reason).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Create(
            StatusCodes.Status403Forbidden,
            "Not allowed",
            "This credential belongs to another tenant or lacks the scope this endpoint needs (ingest, read, decide or admin).").ExecuteAsync(Context);
}

/// <summary>
/// Authenticates <c>Authorization: Bearer rly_{tenant}_{secret}</c> against the tenant's stored hashes. Nothing of
/// the request body is read: authorization runs before the endpoint does.
/// </summary>
public sealed class TenantCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    ClusterCalls calls) : RelayAuthenticationHandler(options, logger, encoder, calls)
{
    /// <summary>The bearer token a request sends, if any.</summary>
    public static string? BearerToken(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            ? header.Parameter
            : null;

    /// <summary>Who <paramref name="token"/> is, or why it is not accepted.</summary>
    public static async Task<AuthenticateResult> AuthenticateAsync(IGrainFactory grains, string token, string scheme)
    {
        if (!AccessTokens.TryParseCredential(token, out var tenant))
        {
            return AuthenticateResult.Fail("The bearer token is not a Relay credential (rly_{tenant}_{secret}).");
        }

        var match = await grains.GetGrain<ITenantAccessGrain>(tenant).AuthenticateAsync(AccessTokens.Hash(token));
        return match is null
            ? AuthenticateResult.Fail("The credential is unknown or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(RelayClaims.ForTenant(tenant, match.Id, match.Name, match.Scopes, scheme), scheme));
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        BearerToken(Request) is { } token ? CallClusterAsync(() => AuthenticateAsync(grains, token, Scheme.Name)) : Task.FromResult(AuthenticateResult.NoResult());
}
