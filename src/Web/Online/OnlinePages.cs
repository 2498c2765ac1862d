using System.Text.Encodings.Web;
using Relay.Crm.Online;
using Relay.Web.Panels;

namespace Relay.Web.Online;

/// <summary>
/// The pages of the Online install and the sign-in pop-up: the panels' look, plain words, every value encoded, never
/// framed, no inline script (a page that needs script loads Relay's own file).
/// </summary>
internal static class OnlinePages
{
    private const string Policy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Writes a page; <paramref name="bodyHtml"/> is HTML whose every value the caller encoded.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string bodyHtml, bool script = false)
    {
        SetHeaders(context, script);
        return PanelPages.WritePageAsync(context, status, title, bodyHtml);
    }

    /// <summary>The headers of every Online page, set before anything may write one.</summary>
    public static void SetHeaders(HttpContext context, bool script = false)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = script ? Policy + "; script-src 'self'" : Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    /// <summary>A paragraph of plain text.</summary>
    public static string Paragraph(string text) => $"<p>{HtmlEncoder.Default.Encode(text)}</p>";

    /// <summary>The 503 page of a Relay that has no Online application configured, naming the settings.</summary>
    public static Task WriteNotConfiguredAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "SuperOffice Online is not set up in this Relay",
            Paragraph($"This Relay has no SuperOffice Online application configured. Its operator sets {OnlineOptions.Section}:ClientId and " +
                      $"{OnlineOptions.Section}:ClientSecret (the application registered with SuperOffice), {OnlineOptions.Section}:PrivateKey or " +
                      $"{OnlineOptions.Section}:PrivateKeyFile, and, for an environment other than sod, qaonline and online, {OnlineOptions.Section}:Environments."));
}
