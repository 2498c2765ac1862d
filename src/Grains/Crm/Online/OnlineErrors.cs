namespace Relay.Crm.Online;

/// <summary>The <see cref="CrmException.ErrorType"/>s of SuperOffice CRM Online tenants.</summary>
public static class OnlineErrors
{
    /// <summary>The tenant moved to another host (HTTP 421): transient, with a short <see cref="CrmException.RetryAfter"/>.</summary>
    public const string TenantMoved = "TenantMoved";

    /// <summary>The tenant is paused (upgrade, backup, maintenance): transient, <see cref="CrmException.RetryAfter"/> = <see cref="OnlineOptions.NotRunningRetryAfter"/>.</summary>
    public const string TenantNotRunning = "TenantNotRunning";

    /// <summary>SuperOffice's system-user service refused the signed system-user token: permanent.</summary>
    public const string SystemUserRefused = "SystemUserRefused";

    /// <summary>The system-user service's JWT failed validation (signature, issuer, audience, lifetime): permanent.</summary>
    public const string SystemUserTokenInvalid = "SystemUserTokenInvalid";

    /// <summary>Relay has no Online application identity (client id, secret, private key) or does not know the environment: permanent.</summary>
    public const string OnlineNotConfigured = "OnlineNotConfigured";

    /// <summary>The environment does not know the tenant's context identifier: permanent.</summary>
    public const string OnlineTenantNotFound = "OnlineTenantNotFound";

    /// <summary>Whether the failure is an Online tenant's pause or move: not the CRM being unwell, so no circuit breaker counts it.</summary>
    public static bool IsPauseOrMove(CrmException e) => e.ErrorType is TenantMoved or TenantNotRunning;
}
