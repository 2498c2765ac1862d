using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Relay.Web.Admin;

/// <summary>
/// Sign-in for the admin pages (<c>/admin/…</c>): a form posts the admin key once; Relay answers with an
/// <c>HttpOnly</c>, <c>SameSite=Strict</c> cookie holding a Data Protection–sealed expiry time (never the key),
/// valid for <see cref="Lifetime"/> and scoped to <c>/admin</c>. Scripts and tools may send the
/// <c>X-Api-Key</c> header instead. A key in the URL is never accepted.
/// </summary>
public static class AdminSession
{
    /// <summary>The cookie's name.</summary>
    public const string Cookie = "relay-admin";

    /// <summary>How long a sign-in lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private const string Purpose = "Relay.AdminSession.v1";

    /// <summary>Maps the sign-in form and sign-out.</summary>
    public static IEndpointRouteBuilder MapAdminSession(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/login", (string? returnUrl) => LoginPage(returnUrl, failed: false));
        app.MapPost("/admin/login", LoginAsync).DisableAntiforgery();
        app.MapPost("/admin/logout", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/admin" });
            return Results.Redirect("/admin/login");
        }).DisableAntiforgery();
        return app;
    }

    /// <summary>Whether the caller signed in (cookie) or sent the admin key (header).</summary>
    public static bool IsAdmin(HttpContext http, TimeProvider time)
    {
        var expected = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(expected))
        {
            return false;
        }

        var header = http.Request.Headers[AdminOptions.Header].ToString();
        if (header.Length > 0)
        {
            return KeyMatches(header, expected);
        }

        if (!http.Request.Cookies.TryGetValue(Cookie, out var sealedValue) || string.IsNullOrEmpty(sealedValue))
        {
            return false;
        }

        try
        {
            var ticks = long.Parse(Protector(http).Unprotect(sealedValue), System.Globalization.CultureInfo.InvariantCulture);
            return new DateTimeOffset(ticks, TimeSpan.Zero) > time.GetUtcNow();
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>A small page around <paramref name="bodyHtml"/> (already encoded by the caller).</summary>
    public static IResult Page(string title, string bodyHtml, int status = StatusCodes.Status200OK, int? refreshSeconds = null) =>
        Results.Content(
            $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{{HtmlEncoder.Default.Encode(title)}}</title>
            {{(refreshSeconds is { } s ? $"<meta http-equiv=\"refresh\" content=\"{s}\">" : "")}}
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5rem;color:#222} table{border-collapse:collapse;width:100%}
            th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:middle} progress{width:12rem}
            .failed{color:#b00} form.inline{display:inline}
            </style></head><body>{{bodyHtml}}</body></html>
            """,
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status);

    private static async Task<IResult> LoginAsync(HttpContext http, TimeProvider time)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = SafeReturnUrl(form["returnUrl"].ToString());
        var expected = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(expected) || !KeyMatches(form["key"].ToString(), expected))
        {
            return LoginPage(returnUrl, failed: true);
        }

        var expires = time.GetUtcNow() + Lifetime;
        http.Response.Cookies.Append(Cookie, Protector(http).Protect(expires.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/admin",
            Expires = expires,
        });
        return Results.Redirect(returnUrl ?? "/admin/login");
    }

    private static IResult LoginPage(string? returnUrl, bool failed)
    {
        var e = HtmlEncoder.Default;
        var safe = SafeReturnUrl(returnUrl);
        return Page(
            "Relay admin sign-in",
            $"""
            <h1>Relay admin</h1>
            {(failed ? "<p class=\"failed\">That key is not right (or no admin key is configured).</p>" : "")}
            <form method="post" action="/admin/login">
            <label>Admin key <input type="password" name="key" autocomplete="current-password" required></label>
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

    private static bool KeyMatches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static IDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}
