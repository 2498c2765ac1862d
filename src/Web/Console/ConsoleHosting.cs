using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Relay.Web.Security;

namespace Relay.Web.Console;

/// <summary>
/// The console: server-rendered Razor pages under <c>/admin</c> (files under <c>Pages/Console</c>), signed in through
/// <c>/admin/login</c> with the operator key or a tenant credential with the <c>admin</c> scope. Every page has an API
/// beside it under <c>/api/admin</c>.
/// </summary>
public static class ConsoleHosting
{
    /// <summary>The console's home: the tenant list.</summary>
    public const string Home = "/admin/tenants";

    /// <summary>The headers of every console page: no script or style from elsewhere, no inline script, never framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Every page under <c>Pages/Console</c> needs a console sign-in (<see cref="RelayPolicies.ConsoleUser"/>); those under
    /// <c>Pages/Console/Tenant</c> also the route's tenant with the <c>admin</c> scope (<see cref="RelayPolicies.AdminPages"/>).
    /// </summary>
    public static void AddConsoleConventions(PageConventionCollection conventions)
    {
        conventions.AuthorizeFolder("/Console", RelayPolicies.ConsoleUser);
        conventions.AuthorizeFolder("/Console/Tenant", RelayPolicies.AdminPages);
    }

    /// <summary>
    /// Sends the console's security headers on everything under <c>/admin</c> but the Orleans Dashboard, whose own
    /// pages run scripts this policy would refuse (it is the operator's, behind the operator key).
    /// </summary>
    public static IApplicationBuilder UseConsoleHeaders(this IApplicationBuilder app) =>
        app.UseWhen(
            c => c.Request.Path.StartsWithSegments("/admin") && !c.Request.Path.StartsWithSegments(Observability.OperationsEndpoints.DashboardPath),
            console => console.Use((context, next) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers.CacheControl = "no-store";
                return next(context);
            }));

    /// <summary>The console's policy: signed in (cookie or credential) as the operator or with some tenant's <c>admin</c> scope.</summary>
    internal static void ConsoleUserPolicy(AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(RelayAuthentication.PagesScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => ConsoleUser.IsOperator(c.User) || c.User.HasClaim(RelayClaims.Scope, Relay.Access.AccessScopeNames.Name(Relay.Access.AccessScopes.Admin)));
}
