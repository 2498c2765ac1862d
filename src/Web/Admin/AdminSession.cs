using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Relay.Access;
using Relay.Hosting.Security;

namespace Relay.Web.Admin;

/// <summary>
/// Sign-in for the admin pages (<c>/admin/…</c>): a form posts the operator key or a tenant credential with the
/// <c>admin</c> scope once; Relay answers with the <see cref="RelayAuthentication.CookieScheme"/> cookie, <c>HttpOnly</c>, <c>SameSite=Strict</c>, holding a
/// Data Protection–sealed ticket (never the key), valid for <see cref="Lifetime"/> and scoped to <c>/admin</c>;
/// a session signed in with a credential ends when the credential is revoked. Scripts and tools send their
/// credential with each request instead. A key in the URL is never accepted.
/// </summary>
public static class AdminSession
{
    /// <summary>The cookie's name.</summary>
    public const string Cookie = "relay-admin";

    /// <summary>Where the sign-in form is.</summary>
    public const string LoginPath = "/admin/login";

    /// <summary>Where a browser signs out.</summary>
    public const string LogoutPath = "/admin/logout";

    /// <summary>How long a sign-in lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>Maps the sign-in form and sign-out.</summary>
    public static IEndpointRouteBuilder MapAdminSession(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, (string? returnUrl) => LoginPage(returnUrl, failed: false)).AllowAnonymous();
        app.MapPost(LoginPath, LoginAsync).DisableAntiforgery().AllowAnonymous();
        app.MapPost(LogoutPath, () => TypedResults.SignOut(new AuthenticationProperties { RedirectUri = LoginPath }, [RelayAuthentication.CookieScheme]))
            .DisableAntiforgery().AllowAnonymous();
        return app;
    }

    /// <summary>The sign-in cookie: fixed lifetime, and a browser without one is sent to the form with a local return path.</summary>
    internal static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = Cookie;
        options.Cookie.Path = "/admin";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        // Secure on https requests; outside Development always (TlsOffload), as a proxy in front may end TLS.
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = Lifetime;
        options.SlidingExpiration = false;

        // On these two paths the cookie handler itself redirects to the sign-in's or sign-out's RedirectUri.
        options.LoginPath = LoginPath;
        options.LogoutPath = LogoutPath;
        options.Events.OnRedirectToLogin = context =>
        {
            // The default redirect is absolute and carries the query string; the form only takes a local path.
            context.Response.Redirect($"{LoginPath}?returnUrl={Uri.EscapeDataString(context.Request.PathBase + context.Request.Path)}");
            return Task.CompletedTask;
        };
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page("Not allowed", "<h1>Not allowed</h1><p>You are signed in for another tenant. <a href=\"/admin/login\">Sign in</a> again with its admin credential.</p>", StatusCodes.Status403Forbidden)
                .ExecuteAsync(context.HttpContext);
        };
        options.Events.OnValidatePrincipal = async context =>
        {
            // A session signed in with a credential lasts only as long as the credential.
            if (context.Principal?.FindFirst(RelayClaims.Credential)?.Value is { } id
                && context.Principal.FindFirst(RelayClaims.Tenant)?.Value is { } tenant
                && !await context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ITenantAccessGrain>(tenant).IsActiveAsync(id))
            {
                context.RejectPrincipal();
            }
        };
    }

    /// <summary>A small page around <paramref name="bodyHtml"/> (already encoded by the caller).</summary>
    public static ContentHttpResult Page(string title, string bodyHtml, int status = StatusCodes.Status200OK) =>
        TypedResults.Content(
            $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{{HtmlEncoder.Default.Encode(title)}}</title>
            <link rel="stylesheet" href="/console.css"></head><body class="console"><main>{{bodyHtml}}</main></body></html>
            """,
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status);

    private static async Task<Results<SignInHttpResult, ContentHttpResult>> LoginAsync(HttpContext http, IOptionsMonitor<OperatorOptions> operatorKey, IGrainFactory grains)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = SafeReturnUrl(form["returnUrl"].ToString());
        var key = form["key"].ToString();
        var principal = OperatorAccess.Matches(key, operatorKey.CurrentValue.ApiKey)
            ? OperatorAccess.OperatorPrincipal(RelayAuthentication.CookieScheme)
            : await TenantCredentialHandler.AuthenticateAsync(grains, key, RelayAuthentication.CookieScheme) is { Succeeded: true } result
                && result.Principal.HasClaim(RelayClaims.Scope, AccessScopeNames.Name(AccessScopes.Admin))
                ? result.Principal
                : null;
        if (principal is null)
        {
            return LoginPage(returnUrl, failed: true);
        }

        return TypedResults.SignIn(
            principal,
            new AuthenticationProperties { IsPersistent = true, RedirectUri = returnUrl ?? Console.ConsoleHosting.Home },
            RelayAuthentication.CookieScheme);
    }

    private static ContentHttpResult LoginPage(string? returnUrl, bool failed)
    {
        var e = HtmlEncoder.Default;
        var safe = SafeReturnUrl(returnUrl);
        return Page(
            "Relay admin sign-in",
            $"""
            <h1>Relay admin</h1>
            {(failed ? "<p class=\"failed\">That is neither the operator key nor an active credential with the admin scope.</p>" : "")}
            <form method="post" action="/admin/login">
            <label>Operator key or admin credential <input type="password" name="key" autocomplete="current-password" required></label>
            <input type="hidden" name="returnUrl" value="{e.Encode(safe ?? "")}">
            <button type="submit">Sign in</button>
            </form>
            """,
            failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }

    /// <summary>Only local paths under <c>/admin/</c>, so the form cannot send anyone elsewhere.</summary>
    private static string? SafeReturnUrl(string? url) =>
        url is { Length: > 7 and < 512 } && url.StartsWith("/admin/", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            ? url
            : null;
}
