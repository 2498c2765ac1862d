using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;
using Relay.Crm.Lookups;
using Relay.Crm.Online;
using Relay.Tenants;
using Relay.Web.Online;

namespace Relay.Web.Panels;

/// <summary>
/// Stands in front of every panel (<c>/panels/{tenant}/…</c>) and lets through only a SuperOffice user
/// the tenant allows. A panel URL from SuperOffice carries <c>uctx</c>, <c>usid</c> and <c>usec</c> (the
/// user's NetServer ticket): the ticket is checked against the tenant's own NetServer, its associate must
/// be <c>usid</c> and its context the tenant's. The gate then issues a short-lived session cookie and
/// redirects to the same URL without the ticket, so it is neither re-validated on every click nor left in
/// the history. Everything else gets a 401 or 403 page, never data. The ticket check runs on a silo
/// (<see cref="ICrmLookupGrain"/>): the web host holds no CRM adapter, so it works as a plain cluster client.
/// A ticket check the tenant's budget for them cannot take now is a quick 429 (<see cref="ITicketCheckGrain"/>);
/// requests without a session are rate-limited before they get here (<see cref="PanelRateLimiting"/>). An Online tenant's
/// panel URL carries no ticket: the gate offers a SuperID sign-in in a pop-up instead (<see cref="OnlinePanelSignIn"/>).
/// </summary>
public sealed class PanelGate(
    RequestDelegate next, IGrainFactory grains, PanelSessions sessions, IOptions<OnlineOptions> online, TimeProvider time, ILogger<PanelGate> logger)
{
    /// <summary>Where the verified session is kept for the page.</summary>
    public const string SessionItem = "relay.panel-session";

    /// <summary>Where the tenant's panel settings are kept for the hand-off of the Online sign-in.</summary>
    public const string PanelSettingsItem = "relay.panel-settings";

    private static readonly string[] TicketParameters = ["usec", "uctx", "usid"];

    public async Task InvokeAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        var panel = segments.Length >= 3 ? PanelOf(segments[2]) : null;
        var handOff = segments.Length == 3 && segments[2] == PanelHandOffs.Segment && HttpMethods.IsPost(context.Request.Method);
        if (panel is null && !handOff)
        {
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status404NotFound, "No such panel", "Relay has a Lead Report (leads), a Timeline Report (timeline) and Event details (event).");
            return;
        }

        var tenant = segments[1];
        var config = TenantRules.IsValidTenantId(tenant) ? await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() : null;
        if (config?.Settings.Panels is not { } panels)
        {
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "Panels are not set up", "Relay shows no panels for this SuperOffice installation. Ask your Relay administrator to set up the panels.");
            return;
        }

        response.Headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'" +
            string.Concat((panels.FrameAncestors.IsDefault ? [] : panels.FrameAncestors).Select(a => " " + a));

        if (handOff)
        {
            // The Online sign-in's hand-off (OnlinePanelSignIn): no session yet, but the tenant's panel settings.
            context.Items[PanelSettingsItem] = panels;
            await next(context);
            return;
        }

        var query = context.Request.Query;
        if (query.ContainsKey("usec"))
        {
            await VerifyTicketAsync(context, config, panels);
            return;
        }

        var session = sessions.Read(context.Request.Cookies[PanelSessions.CookieName(tenant)], tenant);
        if (session is null && config.Settings.Crm.Online is not null && online.Value.IsConfigured && query.ContainsKey("uctx") && query.ContainsKey("usid"))
        {
            // SuperOffice Online's panel URL names the user but carries no ticket: the user signs in with SuperID in a pop-up.
            await OnlinePanelSignIn.WriteSignInPageAsync(context, config, panels, PathWithout(context, TicketParameters));
            return;
        }

        if (session is null)
        {
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Please open this panel from SuperOffice", "Relay could not tell who you are: there is no SuperOffice sign-in for this panel, or it has expired. Open the panel again from SuperOffice.");
            return;
        }

        var allowed = AllowedGroups(panels, panel!.Value);
        if (!session.Groups.Any(allowed.Contains))
        {
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "This panel is not for your user group", $"{session.Name}, your SuperOffice user group may not see the {Title(panel.Value)}. Ask your administrator if you need it.");
            return;
        }

        context.Items[SessionItem] = session;
        await next(context);
    }

    private async Task VerifyTicketAsync(HttpContext context, TenantConfig config, PanelSettings panels)
    {
        var query = context.Request.Query;
        var ticket = query["usec"].ToString();
        if (!string.Equals(query["uctx"], panels.ContextIdentifier, StringComparison.OrdinalIgnoreCase) ||
            !int.TryParse(query["usid"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var usid) ||
            ticket.Length is 0 or > 512)
        {
            await Unverified(context, "The link does not belong to this SuperOffice installation or is incomplete.");
            return;
        }

        var (answered, user) = await PanelTicketCheck.ResolveAsync(context, grains, config.TenantId, ticket, logger);
        if (answered)
        {
            return;
        }

        if (user is null || user.AssociateId != usid ||
            (user.ContextIdentifier is { Length: > 0 } context1 && !string.Equals(context1, panels.ContextIdentifier, StringComparison.OrdinalIgnoreCase)))
        {
            await Unverified(context, "Your SuperOffice sign-in could not be confirmed: the ticket is unknown, expired, or belongs to someone else.");
            return;
        }

        sessions.Append(context.Response, PanelSession.For(config.TenantId, user, time.GetUtcNow().AddMinutes(panels.SessionMinutes), ticket));
        context.Response.Redirect(PathWithout(context, TicketParameters));
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    /// <summary>The request's path and query without the given parameters.</summary>
    private static string PathWithout(HttpContext context, string[] parameters) =>
        context.Request.PathBase + context.Request.Path +
        new QueryBuilder(context.Request.Query.Where(p => !parameters.Contains(p.Key, StringComparer.OrdinalIgnoreCase))).ToQueryString();

    private static Task Unverified(HttpContext context, string why) =>
        PanelPages.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Sign-in not confirmed", why + " Open the panel again from SuperOffice.");

    private static PanelKind? PanelOf(string segment) => segment switch
    {
        "leads" => PanelKind.LeadReport,
        "timeline" => PanelKind.Timeline,
        "event" => PanelKind.EventDetails,
        _ => null,
    };

    private static ImmutableArray<int> AllowedGroups(PanelSettings panels, PanelKind panel)
    {
        var groups = panel switch
        {
            PanelKind.LeadReport => panels.LeadReportGroups,
            PanelKind.Timeline => panels.TimelineGroups,
            _ => panels.EventDetailsGroups,
        };
        return groups.IsDefault ? [] : groups;
    }

    /// <summary>The panel's name as users know it.</summary>
    public static string Title(PanelKind panel) => panel switch
    {
        PanelKind.LeadReport => "Lead Report",
        PanelKind.Timeline => "Timeline Report",
        _ => "Event details",
    };
}

/// <summary>Pages of the panels and the Online sign-in: plain words, every string encoded, no data.</summary>
public static class PanelPages
{
    /// <summary>Writes a small HTML page with the status code.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string title, string message) =>
        WritePageAsync(context, status, title, $"<p>{HtmlEncoder.Default.Encode(message)}</p>");

    /// <summary>Writes a small HTML page with the status code; <paramref name="bodyHtml"/> is HTML whose every value the caller encoded.</summary>
    public static async Task WritePageAsync(HttpContext context, int status, string title, string bodyHtml)
    {
        var html = HtmlEncoder.Default;
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{html.Encode(title)} · Relay</title><link rel="stylesheet" href="/panels.css"></head>
            <body class="panel"><main class="notice notice-{status}"><h1>{html.Encode(title)}</h1>{bodyHtml}
            <p class="muted">HTTP {status}</p></main></body></html>
            """);
    }
}
