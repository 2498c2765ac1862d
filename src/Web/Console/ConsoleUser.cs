using System.Security.Claims;
using Relay.Access;
using Relay.Hosting.Security;
using Relay.Web.Security;

namespace Relay.Web.Console;

/// <summary>Who is signed in to the console, as the admin log and the pages name them.</summary>
public static class ConsoleUser
{
    /// <summary>"operator", or the credential's name and id (<c>support (cred_…)</c>).</summary>
    public static string Who(ClaimsPrincipal user) =>
        user.IsInRole(OperatorAccess.Operator) ? "operator"
        : user.FindFirst(RelayClaims.Credential)?.Value is { } id ? $"{user.Identity?.Name ?? "credential"} ({id})"
        : user.Identity?.Name ?? "unknown";

    /// <summary>Whether the user may administer <paramref name="tenant"/>: the operator, or a credential of that tenant with the <c>admin</c> scope.</summary>
    public static bool MayAdminister(ClaimsPrincipal user, string tenant) =>
        user.IsInRole(OperatorAccess.Operator)
        || (user.HasClaim(RelayClaims.Tenant, tenant) && user.HasClaim(RelayClaims.Scope, AccessScopeNames.Name(AccessScopes.Admin)));

    /// <summary>The one tenant a credential belongs to; null for the operator.</summary>
    public static string? OwnTenant(ClaimsPrincipal user) =>
        user.IsInRole(OperatorAccess.Operator) ? null : user.FindFirst(RelayClaims.Tenant)?.Value;

    /// <summary>Whether the user is the operator, who sees and creates every tenant.</summary>
    public static bool IsOperator(ClaimsPrincipal user) => user.IsInRole(OperatorAccess.Operator);
}
