using System.Text;
using System.Text.Encodings.Web;

namespace Relay.NetServerEmulator.Online;

/// <summary>SuperID's HTML: the sign-in form, the refusal page and the form_post answer. Every value written is HTML-encoded.</summary>
public static class SuperIdPages
{
    private const string ContentType = "text/html; charset=utf-8";

    /// <summary>The sign-in form (with the approve box in the consent variant), posting the request back to <paramref name="action"/>.</summary>
    public static IResult SignIn(HttpContext http, SuperIdAuthorizeRequest request, string action, string context, string? error = null, string? userName = null)
    {
        var html = new StringBuilder();
        Open(html, "Sign in to SuperOffice");
        html.Append("<h1>Sign in to SuperOffice</h1>\n")
            .Append("<p>").Append(E(request.ClientId)).Append(" asks you to sign in to ").Append(E(context)).Append(".</p>\n");
        if (error is not null)
        {
            html.Append("<p id=\"superid-error\" role=\"alert\">").Append(E(error)).Append("</p>\n");
        }

        html.Append("<form id=\"superid-signin\" method=\"post\" action=\"").Append(E(action)).Append("\">\n");
        foreach (var (name, value) in request.Values())
        {
            Hidden(html, name, value);
        }

        html.Append("<p><label for=\"username\">User name</label> <input id=\"username\" name=\"username\" autocomplete=\"username\" value=\"")
            .Append(E(userName)).Append("\"></p>\n")
            .Append("<p><label for=\"password\">Password</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\"></p>\n");
        if (request.IsConsent)
        {
            html.Append("<p><input id=\"approve\" name=\"approve\" type=\"checkbox\" value=\"true\"> <label for=\"approve\">Allow ")
                .Append(E(request.ClientId)).Append(" to act for ").Append(E(context)).Append(" (system user)</label></p>\n");
        }

        html.Append("<p><button id=\"superid-submit\" type=\"submit\">Sign in</button></p>\n</form>\n");
        return Close(http, html, StatusCodes.Status200OK);
    }

    /// <summary>A request SuperID refuses without going back to the client (unknown client, unregistered redirect URI): 400.</summary>
    public static IResult Refused(HttpContext http, string reason)
    {
        var html = new StringBuilder();
        Open(html, "Sign-in request refused");
        html.Append("<h1>Sign-in request refused</h1>\n<p id=\"superid-error\">").Append(E(reason)).Append("</p>\n");
        return Close(http, html, StatusCodes.Status400BadRequest);
    }

    /// <summary>The answer in response_mode form_post: a form that posts itself to the redirect URI, with a button for when scripts do not run.</summary>
    public static IResult FormPost(HttpContext http, string redirectUri, IEnumerable<(string Name, string Value)> fields)
    {
        var html = new StringBuilder();
        Open(html, "Signing in…");
        html.Append("<form id=\"superid-response\" method=\"post\" action=\"").Append(E(redirectUri)).Append("\">\n");
        foreach (var (name, value) in fields)
        {
            Hidden(html, name, value);
        }

        html.Append("<p><button type=\"submit\">Continue</button></p>\n</form>\n")
            .Append("<script>document.getElementById('superid-response').submit();</script>\n");
        return Close(http, html, StatusCodes.Status200OK);
    }

    private static void Open(StringBuilder html, string title) =>
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>").Append(E(title))
            .Append(" – SuperID (emulator)</title></head>\n<body>\n");

    private static void Hidden(StringBuilder html, string name, string value) =>
        html.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value)).Append("\">\n");

    private static IResult Close(HttpContext http, StringBuilder html, int status)
    {
        html.Append("</body>\n</html>\n");

        // Like SuperID: its pages never render inside a frame (panels must sign in through a pop-up), and are never cached.
        http.Response.Headers.XFrameOptions = "DENY";
        http.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(html.ToString(), ContentType, Encoding.UTF8, status);
    }

    private static string E(string? value) => HtmlEncoder.Default.Encode(value ?? string.Empty);
}
