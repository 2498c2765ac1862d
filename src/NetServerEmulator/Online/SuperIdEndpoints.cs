using Microsoft.IdentityModel.Tokens;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServerEmulator.Online;

/// <summary>
/// The emulator's SuperID, an OpenID Connect provider on the un-numbered host: discovery, JWKS, the sign-in form with its
/// admin-consent variant (authorization code with PKCE S256 only) and the token endpoint.
/// </summary>
public static class SuperIdEndpoints
{
    /// <summary>The tenant segment of <c>/login/{ctx}/oauth/authorize</c> that means "whichever tenant the user belongs to".</summary>
    public const string CommonContext = "common";

    /// <summary>Maps <c>/login/.well-known/*</c>, <c>/login/{ctx}/oauth/authorize</c> and <c>/login/common/oauth/tokens</c>.</summary>
    public static IEndpointRouteBuilder MapSuperId(this IEndpointRouteBuilder app)
    {
        var store = app.ServiceProvider.GetRequiredService<EmulatorStore>();
        var superId = new SuperIdServices(
            store, app.ServiceProvider.GetRequiredService<OnlineTenant>(), app.ServiceProvider.GetRequiredService<OnlineApplications>(), new SuperIdGrants(store));
        var login = app.MapGroup("/login");
        login.MapGet("/.well-known/openid-configuration", (HttpContext http) => Discovery(http, superId));
        login.MapGet("/.well-known/jwks", () => Jwks(superId.Applications));
        login.MapMethods("/{ctx}/oauth/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext http, string ctx) => AuthorizeAsync(http, ctx, superId));

        // The cast: a lambda of HttpContext alone returning Task<IResult> would bind as a RequestDelegate and drop the result.
        login.MapPost($"/{CommonContext}/oauth/tokens", (Delegate)((HttpContext http) => SuperIdTokenEndpoint.HandleAsync(http, superId)));
        return app;
    }

    private static IResult Discovery(HttpContext http, SuperIdServices superId)
    {
        var issuer = SuperIdTokens.Issuer(http.Request, superId.Tenant);
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = $"{issuer}/login/{CommonContext}/oauth/authorize",
            ["token_endpoint"] = $"{issuer}/login/{CommonContext}/oauth/tokens",
            ["jwks_uri"] = $"{issuer}/login/.well-known/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query", "form_post" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
            ["scopes_supported"] = new[] { "openid" },
            ["subject_types_supported"] = new[] { "public" },
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        });
    }

    private static IResult Jwks(OnlineApplications applications)
    {
        // Only the public half: a key converted with its private parameters would publish them too.
        var signing = applications.SigningKey;
        var publicKey = new RsaSecurityKey(signing.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = signing.KeyId };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(publicKey);
        var key = new Dictionary<string, string>
        {
            ["kid"] = jwk.Kid,
            ["kty"] = jwk.Kty,
            ["use"] = JsonWebKeyUseNames.Sig,
            ["alg"] = SecurityAlgorithms.RsaSha256,
            ["n"] = jwk.N,
            ["e"] = jwk.E,
        };
        return Results.Json(new Dictionary<string, object> { ["keys"] = new[] { key } });
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, string ctx, SuperIdServices superId)
    {
        var form = HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
        string? Parameter(string name) => (form is null ? http.Request.Query[name] : form[name]).FirstOrDefault();

        var request = SuperIdAuthorizeRequest.Read(Parameter);
        var tenant = superId.Store.ContextIdentifier;
        if (ctx != CommonContext && !string.Equals(ctx, tenant, StringComparison.OrdinalIgnoreCase))
        {
            return SuperIdPages.Refused(http, $"There is no tenant {ctx}.");
        }

        var application = superId.Applications.Find(request.ClientId);
        if (application is null)
        {
            return SuperIdPages.Refused(http, $"The application {request.ClientId} is not registered.");
        }

        if (request.RedirectUri is null || !application.RedirectUris.Contains(request.RedirectUri, StringComparer.Ordinal))
        {
            return SuperIdPages.Refused(http, $"The redirect URI {request.RedirectUri} is not registered for {request.ClientId}.");
        }

        if (request.Problem() is { } problem)
        {
            return Answer(http, request, [("error", "invalid_request"), ("error_description", problem)]);
        }

        var action = http.Request.PathBase + http.Request.Path;
        if (form is null)
        {
            return SuperIdPages.SignIn(http, request, action, tenant);
        }

        var userName = Parameter("username");
        var password = Parameter("password");
        var user = superId.Store.Read(s => s.Associates.Values.FirstOrDefault(a =>
            string.Equals(a.UserName, userName, StringComparison.OrdinalIgnoreCase) && a.Password == password));
        if (user is null)
        {
            return SuperIdPages.SignIn(http, request, action, tenant, "Wrong user name or password.", userName);
        }

        var approve = request.IsConsent && Parameter("approve") is "true" or "on";
        if (approve && !user.IsAdministrator)
        {
            return SuperIdPages.SignIn(http, request, action, tenant,
                $"{user.UserName} is not an administrator of {tenant}: only an administrator can allow {request.ClientId} to act for {tenant}.", userName);
        }

        var systemToken = approve ? superId.Applications.IssueSystemToken(application.ClientId, tenant) : null;
        var code = superId.Grants.IssueCode(application.ClientId, request.RedirectUri, request.CodeChallenge!, request.Nonce, user.AssociateId, tenant, systemToken);
        return Answer(http, request, [("code", code)]);
    }

    /// <summary>Sends the outcome back to the client's (registered) redirect URI, with the state, as a redirect or a form post.</summary>
    private static IResult Answer(HttpContext http, SuperIdAuthorizeRequest request, List<(string Name, string Value)> fields)
    {
        if (!string.IsNullOrEmpty(request.State))
        {
            fields.Add(("state", request.State));
        }

        if (request.IsFormPost)
        {
            return SuperIdPages.FormPost(http, request.RedirectUri!, fields);
        }

        var query = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}"));
        var separator = request.RedirectUri!.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect(request.RedirectUri + separator + query);
    }
}

/// <summary>What SuperID's endpoints share: the emulator's data, tenant and applications, and SuperID's grants.</summary>
internal sealed record SuperIdServices(EmulatorStore Store, OnlineTenant Tenant, OnlineApplications Applications, SuperIdGrants Grants);
