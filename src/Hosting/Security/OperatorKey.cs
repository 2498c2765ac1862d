using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Relay.Hosting.Security;

/// <summary>
/// Section <c>Relay:Operator</c>: the operator key (manages tenants and credentials, opens the dashboard, may act
/// for any tenant) and the metrics key (reads <c>/metrics</c> and nothing else, for Prometheus). Without a key
/// what it opens stays closed.
/// </summary>
public sealed class OperatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Operator";

    /// <summary>The header that may carry a key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The operator key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The key that may read <c>/metrics</c> only.</summary>
    public string? MetricsKey { get; set; }
}

/// <summary>The roles a configured key gives, and the policies that name them.</summary>
public static class OperatorAccess
{
    /// <summary>The authentication scheme of the configured keys.</summary>
    public const string Scheme = "OperatorKey";

    /// <summary>The operator's role, and the policy that requires it.</summary>
    public const string Operator = "operator";

    /// <summary>The role of the metrics key.</summary>
    public const string MetricsRole = "metrics";

    /// <summary>The policy of <c>/metrics</c>: the operator or the metrics key.</summary>
    public const string Metrics = "metrics";

    /// <summary>
    /// Registers the key scheme and the <see cref="Operator"/> and <see cref="Metrics"/> policies (every host serves
    /// <c>/metrics</c>). The policies authenticate with <paramref name="policyScheme"/>: the key scheme itself on a
    /// silo; on the web host the scheme that also knows tenant credentials, so that one is told 403 rather than 401.
    /// </summary>
    public static AuthenticationBuilder AddRelayOperatorKey(this IServiceCollection services, IConfiguration configuration, string policyScheme = Scheme)
    {
        services.Configure<OperatorOptions>(configuration.GetSection(OperatorOptions.Section));
        services.AddAuthorizationBuilder()
            .AddPolicy(Operator, p => p.AddAuthenticationSchemes(policyScheme).RequireRole(Operator))
            .AddPolicy(Metrics, p => p.AddAuthenticationSchemes(policyScheme).RequireRole(Operator, MetricsRole));
        return services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, OperatorKeyHandler>(Scheme, null);
    }

    /// <summary>Whether <paramref name="given"/> is <paramref name="expected"/>; never true when nothing is expected.</summary>
    /// <remarks>Both sides are hashed first, so the comparison takes the same time whatever either's length.</remarks>
    public static bool Matches(string given, string? expected) =>
        !string.IsNullOrEmpty(expected) && given.Length > 0
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>The operator, as a principal of <paramref name="scheme"/>.</summary>
    public static ClaimsPrincipal OperatorPrincipal(string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, Operator), new Claim(ClaimTypes.Role, Operator)], scheme));
}

/// <summary>
/// Authenticates a configured key sent in <c>X-Api-Key</c>, as a bearer token, or as the password of HTTP Basic
/// credentials (which a browser asks for on the dashboard and Prometheus sends as <c>basic_auth</c>).
/// </summary>
public sealed class OperatorKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<OperatorOptions> keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The key a request sends, if any; <c>null</c> when its Basic credentials are malformed.</summary>
    public static string? GivenKey(HttpRequest request)
    {
        var given = request.Headers[OperatorOptions.Header].ToString();
        if (given.Length > 0 || !AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || header.Parameter is not { } parameter)
        {
            return given;
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return parameter;
        }

        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return "";
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            return pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var given = GivenKey(Request);
        if (given is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        }

        if (given.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var configured = keys.CurrentValue;
        if (OperatorAccess.Matches(given, configured.ApiKey))
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(OperatorAccess.OperatorPrincipal(Scheme.Name), Scheme.Name)));
        }

        if (OperatorAccess.Matches(given, configured.MetricsKey))
        {
            var metrics = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "metrics"), new Claim(ClaimTypes.Role, OperatorAccess.MetricsRole)], Scheme.Name));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(metrics, Scheme.Name)));
        }

        return Task.FromResult(AuthenticateResult.Fail("The key is not right."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The Basic challenge makes a browser ask for the key (the dashboard); scripts read the problem details.
        Response.Headers.WWWAuthenticate = "Bearer realm=\"Relay\", Basic realm=\"Relay\", charset=\"UTF-8\"";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        await Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "A credential is needed",
            detail: (failure is AuthenticationFailureException ? failure.Message + " " : "")
                + "Send a tenant credential (Authorization: Bearer rly_…), a Relay-Signature, or the operator key in X-Api-Key.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: "This key may not do this.").ExecuteAsync(Context);
}
