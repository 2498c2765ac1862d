using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;
using Relay.Crm.Online;
using Relay.Tenants;
using Relay.Web.Panels;

namespace Relay.Web.Online;

/// <summary>
/// A panel of an Online tenant: SuperOffice's panel URL names the user (<c>uctx</c>, <c>usid</c>) but carries no ticket,
/// and SuperID refuses to show inside SuperOffice's iframe. So the panel's 401 page offers "Sign in with SuperOffice",
/// which opens <see cref="StartPath"/> in a pop-up; after SuperID, <see cref="CompletePath"/> resolves the user from
/// their own ticket and posts a <see cref="PanelHandOffs">hand-off</see> to the frame that opened it (same origin only),
/// and the frame redeems it at the gate for its partitioned session cookie.
/// </summary>
public static class OnlinePanelSignIn
{
    /// <summary>Where the pop-up starts.</summary>
    public const string StartPath = "/online/panel-signin";

    /// <summary>Where the pop-up lands after SuperID.</summary>
    public const string CompletePath = "/online/panel-signin/complete";

    /// <summary>The pop-up sign-in's pages.</summary>
    public static WebApplication MapOnlinePanelSignIn(this WebApplication app)
    {
        // Anonymous: the user has no Relay credential; SuperID signs them in, and the start only redirects there.
        app.MapGet(StartPath, StartAsync).AllowAnonymous();

        // Anonymous: what it trusts is the hand-over cookie of the validated SuperID callback, which it reads itself.
        app.MapGet(CompletePath, CompleteAsync).AllowAnonymous();

        // Anonymous to the authorization middleware: the panel gate runs first, and the hand-off in the form is the credential.
        app.MapPost("/panels/{tenant}/" + PanelHandOffs.Segment, RedeemAsync).AllowAnonymous();
        return app;
    }

    /// <summary>The 401 page of an Online panel with the button that opens the sign-in pop-up; its script is Relay's own file.</summary>
    internal static Task WriteSignInPageAsync(HttpContext context, TenantConfig config, PanelSettings panels, string returnPath)
    {
        var query = context.Request.Query;
        if (!string.Equals(query["uctx"], panels.ContextIdentifier, StringComparison.OrdinalIgnoreCase) || !OnlineSignIn.IsAssociateId(query["usid"]))
        {
            return PanelPages.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Sign-in not confirmed", "The link does not belong to this SuperOffice installation or is incomplete. Open the panel again from SuperOffice.");
        }

        var html = HtmlEncoder.Default;
        var signIn = StartPath + new QueryBuilder
        {
            { "tenant", config.TenantId },
            { "uctx", query["uctx"].ToString() },
            { "usid", query["usid"].ToString() },
            { "return", returnPath },
        }.ToQueryString();
        context.Response.Headers.ContentSecurityPolicy += "; script-src 'self'";
        return PanelPages.WritePageAsync(context, StatusCodes.Status401Unauthorized, "Sign in with SuperOffice",
            "<p>Relay needs to know who you are before it shows this panel. Sign in with your SuperOffice user: a small window opens, and closes again when you are signed in.</p>" +
            $"""<p><button type="button" class="primary" id="relay-signin" data-signin="{html.Encode(signIn)}">Sign in with SuperOffice</button></p>""" +
            """<p class="muted" id="relay-signin-status" role="status"></p>""" +
            $"""<form id="relay-handoff" method="post" action="/panels/{html.Encode(config.TenantId)}/{PanelHandOffs.Segment}"><input type="hidden" name="handoff"></form>""" +
            """<script src="/online/panel-signin.js"></script>""");
    }

    private static async Task StartAsync(HttpContext context, IGrainFactory grains, IOptions<OnlineOptions> options)
    {
        var online = options.Value;
        if (!online.IsConfigured)
        {
            await OnlinePages.WriteNotConfiguredAsync(context);
            return;
        }

        var query = context.Request.Query;
        var tenant = query["tenant"].ToString();
        var returnPath = query["return"].ToString();
        if (!TenantRules.IsValidTenantId(tenant) || !OnlineSignIn.IsAssociateId(query["usid"]) || !PanelHandOffs.IsReturnPath(returnPath, tenant))
        {
            await OnlinePages.WriteAsync(context, StatusCodes.Status400BadRequest, "This sign-in link is incomplete", OnlinePages.Paragraph("Open the panel again from SuperOffice and use its sign-in button."));
            return;
        }

        var config = await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync();
        if (config?.Settings is not { Crm.Online: { } tenantOnline, Panels: { } panels } ||
            !string.Equals(query["uctx"], panels.ContextIdentifier, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(query["uctx"], tenantOnline.ContextIdentifier, StringComparison.OrdinalIgnoreCase))
        {
            await OnlinePages.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign-in not confirmed", OnlinePages.Paragraph("The link does not belong to a SuperOffice Online installation Relay knows. Open the panel again from SuperOffice."));
            return;
        }

        if (online.EnvironmentBase(tenantOnline.Environment) is null)
        {
            await OnlinePages.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Unknown SuperOffice environment", OnlinePages.Paragraph($"This installation lives in the SuperOffice environment '{tenantOnline.Environment}', which this Relay does not know ({OnlineOptions.Section}:Environments)."));
            return;
        }

        var properties = new AuthenticationProperties { RedirectUri = CompletePath };
        properties.Items[OnlineSignIn.PurposeItem] = OnlineSignIn.PanelPurpose;
        properties.Items[OnlineSignIn.EnvironmentItem] = tenantOnline.Environment;
        properties.Items[OnlineSignIn.TenantItem] = tenant;
        properties.Items[OnlineSignIn.ContextItem] = tenantOnline.ContextIdentifier;
        properties.Items[OnlineSignIn.AssociateItem] = query["usid"].ToString();
        properties.Items[OnlineSignIn.ReturnItem] = returnPath;
        await context.ChallengeAsync(OnlineSignIn.SchemeFor(tenantOnline.Environment), properties);
    }

    private static async Task CompleteAsync(HttpContext context, IGrainFactory grains, PanelHandOffs handOffs, TimeProvider time, ILogger<PanelHandOffs> logger)
    {
        OnlinePages.SetHeaders(context);
        var signIn = await OnlineSignIn.TakeHandOverAsync(context);
        var tenant = signIn.Item(OnlineSignIn.TenantItem);
        var config = signIn.Succeeded && signIn.Item(OnlineSignIn.PurposeItem) == OnlineSignIn.PanelPurpose && TenantRules.IsValidTenantId(tenant)
            ? await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync()
            : null;
        if (config?.Settings is not { Crm.Online: { } tenantOnline, Panels: { } panels } ||
            !string.Equals(signIn.Claim(SuperOfficeClaims.ContextIdentifier), tenantOnline.ContextIdentifier, StringComparison.OrdinalIgnoreCase))
        {
            await Unconfirmed(context);
            return;
        }

        var ticket = signIn.Claim(SuperOfficeClaims.Ticket);
        var (answered, user) = await PanelTicketCheck.ResolveAsync(context, grains, tenant, ticket, logger);
        if (answered)
        {
            return;
        }

        if (user is null || user.AssociateId.ToString(System.Globalization.CultureInfo.InvariantCulture) != signIn.Item(OnlineSignIn.AssociateItem) ||
            (user.ContextIdentifier is { Length: > 0 } userContext && !string.Equals(userContext, tenantOnline.ContextIdentifier, StringComparison.OrdinalIgnoreCase)))
        {
            await Unconfirmed(context);
            return;
        }

        var session = PanelSession.For(tenant, user, time.GetUtcNow().AddMinutes(panels.SessionMinutes), ticket);
        var token = handOffs.Protect(new PanelHandOff(session, signIn.Item(OnlineSignIn.ReturnItem)));
        var html = HtmlEncoder.Default;
        await OnlinePages.WriteAsync(context, StatusCodes.Status200OK, "Signed in",
            $"<p id=\"relay-handoff-note\">{html.Encode(session.Name)}, you are signed in. This window closes itself; the panel in SuperOffice shows in a moment.</p>" +
            $"""<div id="relay-handoff" data-token="{html.Encode(token)}" hidden></div><script src="/online/handoff.js"></script>""",
            script: true);
    }

    /// <summary>
    /// The frame posts what the pop-up handed it, so the session cookie is set in the frame's own partitioned cookie jar:
    /// one set in the top-level pop-up would not reach the cross-site frame.
    /// </summary>
    private static async Task RedeemAsync(HttpContext context, string tenant, PanelSessions sessions, PanelHandOffs handOffs, TimeProvider time)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (context.Items[PanelGate.PanelSettingsItem] is not PanelSettings panels || handOffs.Read(form?["handoff"], tenant) is not { } handOff)
        {
            await PanelPages.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Sign-in not confirmed", "The sign-in from the SuperOffice window is unknown, has expired, or belongs to another installation. Open the panel again from SuperOffice.");
            return;
        }

        sessions.Append(context.Response, handOff.Session with { ExpiresAt = time.GetUtcNow().AddMinutes(panels.SessionMinutes) });
        context.Response.Redirect(handOff.ReturnPath);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    private static Task Unconfirmed(HttpContext context) =>
        OnlinePages.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign-in not confirmed",
            OnlinePages.Paragraph("Relay could not confirm your SuperOffice sign-in for this panel. Close this window and use the panel's sign-in button again."));
}
