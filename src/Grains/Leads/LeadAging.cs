using Relay.Tenants;

namespace Relay.Leads;

/// <summary>When a lead expires and when it is marked as expiring soon, from the tenant's settings.</summary>
public static class LeadAging
{
    /// <summary>The moment a lead that started at <paramref name="since"/> expires.</summary>
    public static DateTimeOffset ExpiresAt(DateTimeOffset since, TenantSettings settings) => since.AddDays(settings.LeadExpiryDays);

    /// <summary>Whether the lead is within the warning period before it expires.</summary>
    public static bool ExpiresSoon(DateTimeOffset since, TenantSettings settings, DateTimeOffset now) =>
        now >= ExpiresAt(since, settings).AddDays(-settings.LeadExpiryWarningDays);
}
