using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Relay.Access;
using Relay.Hosting.Security;
using Relay.Web.Admin;

namespace Relay.Web.Security;

/// <summary>The web host's authorization policies; every endpoint names one, or allows anonymous callers explicitly.</summary>
public static class RelayPolicies
{
    /// <summary>Post triggers and consent changes: a credential of the route's tenant with the <c>ingest</c> scope, or a valid <c>Relay-Signature</c>.</summary>
    public const string Ingest = "tenant:ingest";

    /// <summary>Read contacts, leads, consents: the <c>read</c> scope.</summary>
    public const string Read = "tenant:read";

    /// <summary>Approve, link and dismiss leads: the <c>decide</c> scope.</summary>
    public const string Decide = "tenant:decide";

    /// <summary>The tenant's settings, automations, imports, parked actions, dead letters: the <c>admin</c> scope.</summary>
    public const string Admin = "tenant:admin";

    /// <summary>The admin pages a browser opens: the <c>admin</c> scope from the sign-in cookie of <c>/admin/login</c>, or sent as for <see cref="Admin"/>.</summary>
    public const string AdminPages = "tenant:admin-pages";

    /// <summary>The console's pages that are not one tenant's (the tenant list): the operator, or any credential with the <c>admin</c> scope, from the sign-in cookie or sent.</summary>
    public const string ConsoleUser = "console:user";

    /// <summary>The tenant list of the admin API: the operator, or a credential with the <c>admin</c> scope of any tenant (which sees only its own), sent with the request.</summary>
    public const string AnyTenantAdmin = "tenant:any-admin";

    /// <summary>Tenants, credentials, the dashboard: the operator key.</summary>
    public const string Operator = OperatorAccess.Operator;
}

/// <summary>The claims Relay's principals carry.</summary>
public static class RelayClaims
{
    /// <summary>The tenant a credential belongs to.</summary>
    public const string Tenant = "relay:tenant";

    /// <summary>One scope of the credential (one claim per scope).</summary>
    public const string Scope = "relay:scope";

    /// <summary>The credential's (or signing secret's) id.</summary>
    public const string Credential = "relay:credential";

    /// <summary>A principal of one tenant with the given scopes.</summary>
    public static ClaimsPrincipal ForTenant(string tenant, string credentialId, string name, AccessScopes scopes, string scheme) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, name),
                new Claim(Tenant, tenant),
                new Claim(Credential, credentialId),
                .. AccessScopeNames.Names(scopes).Select(s => new Claim(Scope, s)),
            ],
            scheme));
}

/// <summary>
/// Who may call what. The <see cref="ApiScheme"/> picks the scheme from what a request sends: a
/// <c>Relay-Signature</c>, a <c>rly_</c> bearer credential, or a configured key. Endpoints without a policy
/// are the operator's only (the fallback policy), so nothing is open by omission.
/// </summary>
public static class RelayAuthentication
{
    /// <summary>The scheme of API calls, forwarding to the one the request's credential belongs to.</summary>
    public const string ApiScheme = "Relay";

    /// <summary>The scheme of the admin pages: the API scheme when a credential is sent, else the sign-in cookie.</summary>
    public const string PagesScheme = "RelayPages";

    /// <summary>Tenant credentials, <c>Authorization: Bearer rly_…</c>.</summary>
    public const string CredentialScheme = "TenantCredential";

    /// <summary>HMAC-signed requests, <c>Relay-Signature: t=…,v1=…</c>.</summary>
    public const string SignatureScheme = "RelaySignature";

    /// <summary>The admin pages' sign-in cookie.</summary>
    public const string CookieScheme = "AdminCookie";

    /// <summary>Registers every scheme and policy.</summary>
    public static IServiceCollection AddRelayAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRelayOperatorKey(configuration, ApiScheme)
            .AddScheme<AuthenticationSchemeOptions, TenantCredentialHandler>(CredentialScheme, null)
            .AddScheme<AuthenticationSchemeOptions, SignatureHandler>(SignatureScheme, null)
            .AddCookie(CookieScheme, AdminSession.ConfigureCookie)
            .AddPolicyScheme(ApiScheme, null, o => o.ForwardDefaultSelector = SchemeOf)
            .AddPolicyScheme(PagesScheme, null, o =>
            {
                o.ForwardDefaultSelector = c => SendsCredential(c.Request) ? SchemeOf(c) : CookieScheme;

                // A browser that failed to authenticate is sent to the sign-in form, whichever way it tried.
                o.ForwardChallenge = CookieScheme;
            });
        services.AddSingleton<IAuthorizationHandler, TenantScopeHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(RelayPolicies.Ingest, p => p.AddAuthenticationSchemes(ApiScheme).AddRequirements(new TenantScopeRequirement(AccessScopes.Ingest)))
            .AddPolicy(RelayPolicies.Read, p => p.AddAuthenticationSchemes(ApiScheme).AddRequirements(new TenantScopeRequirement(AccessScopes.Read)))
            .AddPolicy(RelayPolicies.Decide, p => p.AddAuthenticationSchemes(ApiScheme).AddRequirements(new TenantScopeRequirement(AccessScopes.Decide)))
            .AddPolicy(RelayPolicies.Admin, p => p.AddAuthenticationSchemes(ApiScheme).AddRequirements(new TenantScopeRequirement(AccessScopes.Admin)))
            .AddPolicy(RelayPolicies.AdminPages, p => p.AddAuthenticationSchemes(PagesScheme).AddRequirements(new TenantScopeRequirement(AccessScopes.Admin)))
            .AddPolicy(RelayPolicies.ConsoleUser, Console.ConsoleHosting.ConsoleUserPolicy)
            .AddPolicy(RelayPolicies.AnyTenantAdmin, p => p.AddAuthenticationSchemes(ApiScheme).RequireAuthenticatedUser().RequireAssertion(
                c => c.User.IsInRole(OperatorAccess.Operator) || c.User.HasClaim(RelayClaims.Scope, AccessScopeNames.Name(AccessScopes.Admin))))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiScheme).RequireRole(OperatorAccess.Operator).Build());
        return services;
    }

    /// <summary>Whether the request sends any credential (a signature, a bearer or Basic credential, or a key).</summary>
    public static bool SendsCredential(HttpRequest request) =>
        request.Headers.ContainsKey(SignatureHandler.Header) || request.Headers.ContainsKey(OperatorOptions.Header) || request.Headers.Authorization.Count > 0;

    private static string SchemeOf(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey(SignatureHandler.Header))
        {
            return SignatureScheme;
        }

        return TenantCredentialHandler.BearerToken(context.Request)?.StartsWith(AccessTokens.CredentialPrefix, StringComparison.Ordinal) == true
            ? CredentialScheme
            : OperatorAccess.Scheme;
    }
}

/// <summary>A credential of the route's <c>{tenant}</c> with <see cref="Scope"/>; the operator passes every one.</summary>
public sealed record TenantScopeRequirement(AccessScopes Scope) : IAuthorizationRequirement;

/// <summary>Checks <see cref="TenantScopeRequirement"/> against the route's tenant, so a credential never reaches another tenant's data.</summary>
public sealed class TenantScopeHandler : AuthorizationHandler<TenantScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantScopeRequirement requirement)
    {
        var tenant = (context.Resource as HttpContext)?.GetRouteValue("tenant") as string;
        var user = context.User;
        if (user.IsInRole(OperatorAccess.Operator)
            || (tenant is not null && user.HasClaim(RelayClaims.Tenant, tenant) && user.HasClaim(RelayClaims.Scope, AccessScopeNames.Name(requirement.Scope))))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
