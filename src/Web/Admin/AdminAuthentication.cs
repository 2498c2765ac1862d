using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Relay.Web.Admin;

/// <summary>The admin API key, section <c>Relay:Admin</c>. Without a key everything behind it is closed.</summary>
public sealed class AdminOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Admin";

    /// <summary>The header that carries the key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The key callers must send in <see cref="Header"/>.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>The web host's authorization policies; endpoints name one in <c>RequireAuthorization</c>.</summary>
public static class RelayPolicies
{
    /// <summary>Admin and integration APIs and the dashboard: the admin key in <c>X-Api-Key</c> or as a Basic password.</summary>
    public const string Admin = "Admin";

    /// <summary>The admin pages a browser opens: the sign-in cookie from <c>/admin/login</c>, or the key as for <see cref="Admin"/>.</summary>
    public const string AdminPages = "AdminPages";
}

/// <summary>
/// The one admin-key mechanism: the <see cref="KeyScheme"/> checks the key on every request, the
/// <see cref="CookieScheme"/> carries a browser's sign-in on the admin pages, and <see cref="PagesScheme"/>
/// picks between them, so a script may send the key to a page too.
/// </summary>
public static class AdminAuthentication
{
    /// <summary>The key in <c>X-Api-Key</c> or as a Basic password.</summary>
    public const string KeyScheme = "AdminKey";

    /// <summary>The admin pages' sign-in cookie.</summary>
    public const string CookieScheme = "AdminCookie";

    /// <summary>The key when one is sent, else the sign-in cookie; a browser without either is sent to sign in.</summary>
    public const string PagesScheme = "AdminPages";

    /// <summary>Registers the key option, the schemes and the <see cref="RelayPolicies"/>.</summary>
    public static IServiceCollection AddRelayAdminAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AdminOptions>(configuration.GetSection(AdminOptions.Section));
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminKeyHandler>(KeyScheme, null)
            .AddCookie(CookieScheme, AdminSession.ConfigureCookie)
            .AddPolicyScheme(PagesScheme, null, o =>
            {
                o.ForwardDefaultSelector = c => AdminKeyHandler.CarriesKey(c.Request) ? KeyScheme : CookieScheme;

                // A browser that failed to authenticate is sent to the sign-in form, whichever way it tried.
                o.ForwardChallenge = CookieScheme;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(RelayPolicies.Admin, p => p.AddAuthenticationSchemes(KeyScheme).RequireAuthenticatedUser())
            .AddPolicy(RelayPolicies.AdminPages, p => p.AddAuthenticationSchemes(PagesScheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Whether <paramref name="given"/> is the configured key; never true when none is configured.</summary>
    /// <remarks>Both sides are hashed first, so the comparison takes the same time whatever the given key's length.</remarks>
    public static bool IsKey(string given, string? expected) =>
        !string.IsNullOrEmpty(expected) && given.Length > 0
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>Who an authenticated admin is, for <paramref name="scheme"/>.</summary>
    public static ClaimsPrincipal Admin(string scheme) => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], scheme));
}

/// <summary>
/// Authenticates the admin key: in <c>X-Api-Key</c>, or as the password of HTTP Basic credentials, which a browser
/// asks for (the dashboard) and then resends. Challenges with 401, or 503 while no key is configured.
/// </summary>
public sealed class AdminKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AdminOptions> admin) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Whether the request sends a key at all (header or Basic credentials).</summary>
    public static bool CarriesKey(HttpRequest request) =>
        request.Headers.ContainsKey(AdminOptions.Header) || request.Headers.Authorization.Count > 0;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = admin.Value.ApiKey;
        if (string.IsNullOrEmpty(expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("No admin key is configured (Relay:Admin:ApiKey)."));
        }

        var given = Request.Headers[AdminOptions.Header].ToString();
        if (given.Length == 0 && AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } encoded)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                given = pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..];
            }
            catch (FormatException)
            {
                return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
            }
        }

        if (given.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(AdminAuthentication.IsKey(given, expected)
            ? AuthenticateResult.Success(new AuthenticationTicket(AdminAuthentication.Admin(Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail("Wrong admin key."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (string.IsNullOrEmpty(admin.Value.ApiKey))
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "The admin API is closed", "No admin key is configured (Relay:Admin:ApiKey).")
                .ExecuteAsync(Context);
        }

        // The Basic challenge makes a browser ask for the key (the dashboard); scripts read the problem details.
        Response.Headers.WWWAuthenticate = "Basic realm=\"Relay admin\", charset=\"UTF-8\"";
        return Problems.Create(StatusCodes.Status401Unauthorized, "Admin key missing or wrong", $"Send the admin key in the {AdminOptions.Header} header.")
            .ExecuteAsync(Context);
    }
}
