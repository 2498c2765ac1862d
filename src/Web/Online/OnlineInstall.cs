using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Crm.Online;
using Relay.Tenants;
using Relay.Web.Panels;

namespace Relay.Web.Online;

/// <summary>
/// Installing Relay for a SuperOffice CRM Online customer: an administrator opens <see cref="StartPath"/>, signs in at
/// SuperID and approves Relay (admin consent), and Relay stores the tenant with the system-user token SuperID issued.
/// Relay never sees a password, and no page shows the token.
/// </summary>
public static class OnlineInstall
{
    /// <summary>Where an administrator starts: <c>?environment=online[&amp;tenant=&lt;id&gt;]</c>.</summary>
    public const string StartPath = "/online/install";

    /// <summary>Where the sign-in lands after SuperID.</summary>
    public const string CompletePath = "/online/install/complete";

    /// <summary>The install pages.</summary>
    public static WebApplication MapOnlineInstall(this WebApplication app)
    {
        // Anonymous: the administrator has no Relay credential; SuperID's admin consent is what authorizes the install.
        app.MapGet(StartPath, StartAsync).AllowAnonymous();

        // Anonymous: what it trusts is the hand-over cookie of the validated SuperID callback, which it reads itself.
        app.MapGet(CompletePath, CompleteAsync).AllowAnonymous();
        return app;
    }

    private static async Task StartAsync(HttpContext context, IOptions<OnlineOptions> options)
    {
        var online = options.Value;
        if (!online.IsConfigured)
        {
            await OnlinePages.WriteNotConfiguredAsync(context);
            return;
        }

        var query = context.Request.Query;
        var environment = query["environment"].ToString() is { Length: > 0 } named ? named : "online";
        var known = online.EnvironmentNames.Where(e => online.EnvironmentBase(e) is not null).ToList();
        if (!known.Contains(environment, StringComparer.OrdinalIgnoreCase))
        {
            await OnlinePages.WriteAsync(context, StatusCodes.Status400BadRequest, "Unknown SuperOffice environment",
                OnlinePages.Paragraph($"'{environment}' is not a SuperOffice environment this Relay knows. Use one of: {string.Join(", ", known)}."));
            return;
        }

        var tenant = query["tenant"].ToString();
        if (tenant.Length > 0 && !TenantRules.IsValidTenantId(tenant))
        {
            await OnlinePages.WriteAsync(context, StatusCodes.Status400BadRequest, "Not a tenant id",
                OnlinePages.Paragraph("A tenant id is 2 to 63 lowercase letters, digits and dashes. Leave it out to use the customer's context identifier."));
            return;
        }

        var properties = new AuthenticationProperties { RedirectUri = CompletePath };
        properties.Items[OnlineSignIn.PurposeItem] = OnlineSignIn.InstallPurpose;
        properties.Items[OnlineSignIn.EnvironmentItem] = environment.ToLowerInvariant();
        properties.Items[OnlineSignIn.TenantItem] = tenant;
        await context.ChallengeAsync(OnlineSignIn.SchemeFor(environment), properties);
    }

    private static async Task CompleteAsync(HttpContext context, IGrainFactory grains, IOptions<OnlineOptions> options, ILogger<OnlineInstallation> logger)
    {
        OnlinePages.SetHeaders(context);
        var signIn = await OnlineSignIn.TakeHandOverAsync(context);
        var environment = signIn.Item(OnlineSignIn.EnvironmentItem);
        var contextId = signIn.Claim(SuperOfficeClaims.ContextIdentifier);
        var systemToken = signIn.Claim(SuperOfficeClaims.SystemToken);
        if (!signIn.Succeeded || signIn.Item(OnlineSignIn.PurposeItem) != OnlineSignIn.InstallPurpose || options.Value.EnvironmentBase(environment) is not { } environmentBase ||
            contextId.Length == 0 || systemToken.Length == 0)
        {
            await OnlinePages.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign-in not confirmed",
                OnlinePages.Paragraph("Relay could not confirm a SuperOffice administrator's approval. Start the installation again."));
            return;
        }

        var tenant = signIn.Item(OnlineSignIn.TenantItem) is { Length: > 0 } named ? named : contextId.ToLowerInvariant();
        var grain = grains.GetGrain<ITenantGrain>(tenant);
        var existing = TenantRules.IsValidTenantId(tenant) ? (await grain.GetConfigAsync())?.Settings : null;
        if (Refusal(tenant, contextId, existing) is { } refusal)
        {
            await OnlinePages.WriteAsync(context, StatusCodes.Status403Forbidden, "Relay cannot be installed under this tenant id", OnlinePages.Paragraph(refusal));
            return;
        }

        var crm = (existing?.Crm ?? new TenantCrmSettings("")) with
        {
            BaseUrl = "",
            ServicesVersion = "88",
            UserName = null,
            Password = null,
            ApplicationToken = null,
            Online = new TenantOnlineSettings(contextId, environment, systemToken),
        };
        var settings = existing is null ? new TenantSettings($"SuperOffice {contextId}", crm) : existing with { Crm = crm };
        var stored = await grain.PutSettingsAsync(settings);
        if (!stored.IsValid)
        {
            logger.LogError("Online install of tenant {Tenant} ({Context}) refused: {Errors}", tenant, contextId, string.Join("; ", stored.Errors));
            await OnlinePages.WriteAsync(context, StatusCodes.Status500InternalServerError, "Relay could not store the installation",
                OnlinePages.Paragraph("Relay refused the installation's settings: " + string.Join("; ", stored.Errors)));
            return;
        }

        var panelsNote = settings.Panels is null
            ? await SetUpPanelsAsync(grains, grain, settings, tenant, contextId, environmentBase, signIn.Claim(SuperOfficeClaims.Ticket), logger, context.RequestAborted)
            : "The panels keep the settings they had.";
        logger.LogInformation("Relay installed for SuperOffice Online customer {Context} as tenant {Tenant} ({Environment})", contextId, tenant, environment);
        var html = HtmlEncoder.Default;
        await OnlinePages.WriteAsync(context, existing is null ? StatusCodes.Status201Created : StatusCodes.Status200OK, "Relay is installed",
            $"<p>Relay now works for the SuperOffice customer {html.Encode(contextId)} ({html.Encode(environment)}) as tenant <strong>{html.Encode(tenant)}</strong>, " +
            "signing in as the customer's system user. You may close this window.</p>" +
            OnlinePages.Paragraph(panelsNote));
    }

    /// <summary>Why the tenant id cannot take this customer, or null: it must be new, or this customer's Online tenant already.</summary>
    private static string? Refusal(string tenant, string contextId, TenantSettings? existing) => existing switch
    {
        _ when !TenantRules.IsValidTenantId(tenant) => $"'{tenant}' is not a valid tenant id. Start again with a tenant parameter of 2 to 63 lowercase letters, digits and dashes.",
        null => null,
        { Crm.Online: null } => $"The tenant {tenant} is connected to an onsite SuperOffice. Install under another tenant id (the tenant parameter).",
        { Crm.Online: var online } when !string.Equals(online.ContextIdentifier, contextId, StringComparison.OrdinalIgnoreCase) =>
            $"The tenant {tenant} belongs to another SuperOffice customer. Install under another tenant id (the tenant parameter).",
        _ => null,
    };

    /// <summary>
    /// The first install sets up the panels: embedded by the environment's SuperOffice, each panel for the installing
    /// administrator's groups. The groups come from the administrator's own ticket, which only works once the tenant exists.
    /// </summary>
    private static async Task<string> SetUpPanelsAsync(
        IGrainFactory grains, ITenantGrain grain, TenantSettings settings, string tenant, string contextId, Uri environmentBase, string ticket, ILogger logger, CancellationToken cancellationToken)
    {
        ImmutableArray<int> groups = [];
        var note = "The panels are set up for your SuperOffice user groups.";
        try
        {
            var user = ticket.Length > 0 ? await grains.GetGrain<ICrmLookupGrain>(tenant).ResolveUserTicketAsync(ticket, cancellationToken) : null;
            if (user is not null)
            {
                groups = [.. PanelSession.For(tenant, user, default, null).Groups];
            }
        }
        catch (Exception ex) when (ex is CrmException or OrleansException or TimeoutException)
        {
            logger.LogWarning(ex, "Online install of tenant {Tenant}: the administrator's user groups could not be read", tenant);
        }

        if (groups.IsEmpty)
        {
            note = "Relay could not read your SuperOffice user groups, so the panels are set up for no group yet: set their groups in the tenant's panel settings.";
        }

        var origin = environmentBase.GetLeftPart(UriPartial.Authority);
        var panels = new PanelSettings(contextId, [.. new[] { origin, "https://*.superoffice.com" }.Distinct(StringComparer.OrdinalIgnoreCase)], groups, groups, groups);
        var stored = await grain.PutSettingsAsync(settings with { Panels = panels });
        if (stored.IsValid)
        {
            return note;
        }

        logger.LogWarning("Online install of tenant {Tenant}: panel settings refused: {Errors}", tenant, string.Join("; ", stored.Errors));
        return "Relay could not set up the panels (" + string.Join("; ", stored.Errors) + "); set them in the tenant's panel settings.";
    }

    /// <summary>The log category of installs.</summary>
    private sealed class OnlineInstallation;
}
