using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Relay.Crm.Online;
using Relay.Web.Panels;

namespace Relay.Web.Online;

/// <summary>
/// Signing in with SuperOffice's SuperID (OpenID Connect, authorization code with PKCE): one scheme per environment
/// Relay knows, registered only when <c>Relay:Online</c> names the application. The handler validates the id_token
/// (signature against the published JWKS, issuer, audience, nonce, lifetime); <see cref="CheckClaims"/> adds what
/// SuperOffice's claims must say for the sign-in's purpose. The result lands in a short-lived hand-over cookie that
/// only the page after the callback reads, and that page signs it out.
/// </summary>
public static partial class OnlineSignIn
{
    /// <summary>The temporary cookie between the callback and the page that finishes the sign-in.</summary>
    public const string HandOverScheme = "OnlineHandOver";

    /// <summary>Why the sign-in was started: the admin-consent install or a panel user.</summary>
    public const string PurposeItem = "relay.purpose";

    /// <summary>The purpose of the install's sign-in.</summary>
    public const string InstallPurpose = "install";

    /// <summary>The purpose of a panel user's sign-in.</summary>
    public const string PanelPurpose = "panel";

    /// <summary>The environment the sign-in went to.</summary>
    public const string EnvironmentItem = "relay.environment";

    /// <summary>The tenant the sign-in is for (the panel's, or the one the install names).</summary>
    public const string TenantItem = "relay.tenant";

    /// <summary>The panel URL's <c>uctx</c>: the context the user must sign in to.</summary>
    public const string ContextItem = "relay.uctx";

    /// <summary>The panel URL's <c>usid</c>: the associate who must sign in.</summary>
    public const string AssociateItem = "relay.usid";

    /// <summary>The panel path to return to.</summary>
    public const string ReturnItem = "relay.return";

    private const string RefusalItem = "relay.online-refusal";

    /// <summary>The claims the page after the callback needs; everything else the id_token said is dropped from the hand-over cookie.</summary>
    private static readonly HashSet<string> KeptClaims =
    [
        SuperOfficeClaims.ContextIdentifier, SuperOfficeClaims.AssociateId, SuperOfficeClaims.Ticket, SuperOfficeClaims.SystemToken,
        SuperOfficeClaims.IsAdministrator, SuperOfficeClaims.NetServerUrl,
    ];

    /// <summary>The authentication scheme of an environment.</summary>
    public static string SchemeFor(string environment) => "SuperOffice-" + environment.ToLowerInvariant();

    /// <summary>Where SuperID sends the user back to, per environment; register these as the application's redirect URIs.</summary>
    public static string CallbackPathFor(string environment) => "/online/callback/" + environment.ToLowerInvariant();

    /// <summary>
    /// Binds <c>Relay:Online</c> and, when it names the application, adds the hand-over cookie and one OpenID Connect scheme
    /// per environment. Without it no scheme exists, and the Online pages say which settings are missing.
    /// </summary>
    public static IServiceCollection AddRelayOnline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OnlineOptions>().BindConfiguration(OnlineOptions.Section);
        services.AddSingleton<PanelHandOffs>();
        var online = configuration.GetSection(OnlineOptions.Section).Get<OnlineOptions>() ?? new OnlineOptions();
        if (!online.IsConfigured)
        {
            return services;
        }

        var authentication = services.AddAuthentication().AddCookie(HandOverScheme, o =>
        {
            o.Cookie.Name = "relay-online-signin";
            o.Cookie.Path = "/online";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.None;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(2);
            o.SlidingExpiration = false;
        });
        foreach (var environment in online.EnvironmentNames)
        {
            if (online.EnvironmentBase(environment) is { } environmentBase)
            {
                authentication.AddOpenIdConnect(SchemeFor(environment), o => Configure(o, online, environment, environmentBase));
            }
        }

        return services;
    }

    private static void Configure(OpenIdConnectOptions o, OnlineOptions online, string environment, Uri environmentBase)
    {
        var root = environmentBase.ToString().TrimEnd('/');
        o.MetadataAddress = root + "/login/.well-known/openid-configuration";
        o.RequireHttpsMetadata = environmentBase.Scheme == Uri.UriSchemeHttps;
        o.ClientId = online.ClientId;
        o.ClientSecret = online.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.CallbackPath = CallbackPathFor(environment);
        o.SignedOutCallbackPath = $"/online/signed-out/{environment.ToLowerInvariant()}";
        o.RemoteSignOutPath = $"/online/signout/{environment.ToLowerInvariant()}";
        o.SignInScheme = HandOverScheme;
        o.SaveTokens = false;
        o.GetClaimsFromUserInfoEndpoint = false;

        // SuperOffice's claims keep their own names (http://schemes.superoffice.net/identity/…).
        o.MapInboundClaims = false;
        o.DisableTelemetry = true;

        // SuperID answers from another site with a form POST, so the correlation and nonce cookies must travel cross-site.
        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.None;
            cookie.SecurePolicy = CookieSecurePolicy.Always;
        }

        o.Events = new OpenIdConnectEvents
        {
            OnRedirectToIdentityProvider = context =>
            {
                if (context.Properties.Items.TryGetValue(PurposeItem, out var purpose) && purpose == InstallPurpose)
                {
                    // The admin-consent variant: an administrator approves Relay for the tenant and SuperID issues a system-user token.
                    context.ProtocolMessage.Prompt = "consent";
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                CheckClaims(context);
                return Task.CompletedTask;
            },
            OnRemoteFailure = RefuseAsync,
        };
    }

    /// <summary>What SuperOffice's claims must say, beyond the handler's validation of the token itself.</summary>
    private static void CheckClaims(TokenValidatedContext context)
    {
        var items = context.Properties!.Items;
        var principal = context.Principal!;
        string ClaimOf(string type) => principal.FindFirst(type)?.Value ?? "";
        string ItemOf(string key) => items.TryGetValue(key, out var value) ? value ?? "" : "";

        var refusal = ItemOf(PurposeItem) switch
        {
            InstallPurpose when !ContextShape().IsMatch(ClaimOf(SuperOfficeClaims.ContextIdentifier)) =>
                new OnlineRefusal(StatusCodes.Status401Unauthorized, "Sign-in not confirmed", "SuperOffice's answer named no valid customer (context identifier)."),
            InstallPurpose when !string.Equals(ClaimOf(SuperOfficeClaims.IsAdministrator), "True", StringComparison.OrdinalIgnoreCase) =>
                new OnlineRefusal(StatusCodes.Status403Forbidden, "Only an administrator can install Relay", "You signed in to SuperOffice, but as a user who is not an administrator of this customer. Ask a SuperOffice administrator to install Relay."),
            InstallPurpose when ClaimOf(SuperOfficeClaims.SystemToken).Length == 0 =>
                new OnlineRefusal(StatusCodes.Status403Forbidden, "Relay was not approved", "SuperOffice did not give Relay a system user for this customer. Install again and approve Relay's access."),
            InstallPurpose => null,
            PanelPurpose when !string.Equals(ClaimOf(SuperOfficeClaims.ContextIdentifier), ItemOf(ContextItem), StringComparison.OrdinalIgnoreCase) ||
                              ClaimOf(SuperOfficeClaims.AssociateId) != ItemOf(AssociateItem) ||
                              ClaimOf(SuperOfficeClaims.Ticket).Length == 0 =>
                new OnlineRefusal(StatusCodes.Status401Unauthorized, "Sign-in not confirmed", "You signed in to SuperOffice as another user, or for another customer, than the panel was opened for. Open the panel again from SuperOffice and sign in as yourself."),
            PanelPurpose => null,
            _ => new OnlineRefusal(StatusCodes.Status401Unauthorized, "Sign-in not confirmed", "Relay did not start this sign-in."),
        };

        if (refusal is not null)
        {
            context.HttpContext.Items[RefusalItem] = refusal;
            context.Fail(refusal.Message);
            return;
        }

        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(principal.Claims.Where(c => KeptClaims.Contains(c.Type)), context.Scheme.Name));
    }

    /// <summary>
    /// Any failed sign-in — refused claims, a token the handler rejected (signature, issuer, audience, nonce, lifetime), a
    /// missing correlation cookie, a user who declined — is a page in plain words, never an exception page.
    /// </summary>
    private static async Task RefuseAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var refusal = context.HttpContext.Items[RefusalItem] as OnlineRefusal
            ?? new OnlineRefusal(StatusCodes.Status401Unauthorized, "Sign-in not confirmed", "SuperOffice's sign-in could not be confirmed: it was cancelled, has expired, or its answer was not valid. Start again from the beginning.");
        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OnlineSignIn))
            .LogWarning("SuperOffice sign-in with {Scheme} refused: {Reason}", context.Scheme.Name, context.Failure?.Message);
        await OnlinePages.WriteAsync(context.HttpContext, refusal.Status, refusal.Title, OnlinePages.Paragraph(refusal.Message));
    }

    /// <summary>The hand-over of a finished sign-in, read once: the hand-over cookie is signed out whatever it held.</summary>
    public static async Task<AuthenticateResult> TakeHandOverAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(HandOverScheme);
        await context.SignOutAsync(HandOverScheme);
        return result;
    }

    /// <summary>A claim of the hand-over, or empty.</summary>
    public static string Claim(this AuthenticateResult result, string type) => result.Principal?.FindFirst(type)?.Value ?? "";

    /// <summary>An item of the sign-in's properties, or empty.</summary>
    public static string Item(this AuthenticateResult result, string key) =>
        result.Properties?.Items.TryGetValue(key, out var value) == true ? value ?? "" : "";

    /// <summary>Whether the integer is a positive associate id as SuperOffice writes it.</summary>
    public static bool IsAssociateId(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,63}$")]
    private static partial Regex ContextShape();

    private sealed record OnlineRefusal(int Status, string Title, string Message);
}
