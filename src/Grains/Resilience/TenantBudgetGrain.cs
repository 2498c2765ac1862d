using Relay.Crm;
using Relay.Tenants;

namespace Relay.Resilience;

/// <inheritdoc cref="ITenantBudgetGrain"/>
/// <remarks>
/// Keeps no state: after a silo failure it starts again with a full (small) bucket. The rate is the tenant's
/// <see cref="TenantSettings.CrmCallsPerSecond"/>, re-read every few seconds.
/// </remarks>
public sealed class TenantBudgetGrain(TimeProvider time) : Grain, ITenantBudgetGrain
{
    private static readonly TimeSpan SettingsRefresh = TimeSpan.FromSeconds(5);

    // Rep-facing demand seen this recently keeps a permit back from bulk leases.
    private static readonly TimeSpan RepFacingMemory = TimeSpan.FromMilliseconds(300);

    private PermitBucket? _bucket;

    /// <summary>
    /// The most one lease grants: a tenth of a second's worth, at least 20. At high rates a silo's queue then
    /// needs one lease call per 100 ms, not one per 20 requests (which capped a busy silo at a few hundred
    /// requests per second), and one silo still cannot take the whole burst from the others.
    /// </summary>
    public static int MaxLease(double rate) => (int)Math.Max(20, Math.Ceiling(rate / 10));
    private DateTimeOffset _settingsReadAt;
    private DateTimeOffset _repFacingSeenAt = DateTimeOffset.MinValue;

    async Task<PermitLease> ITenantBudgetGrain.LeaseAsync(int wanted, CrmPriority priority)
    {
        var now = time.GetUtcNow();
        if (_bucket is null || now - _settingsReadAt > SettingsRefresh)
        {
            var config = await GrainFactory.GetGrain<ITenantGrain>(this.GetPrimaryKeyString()).GetConfigAsync();
            var rate = config?.Settings.CrmCallsPerSecond ?? TenantSettings.DefaultCrmCallsPerSecond;
            now = time.GetUtcNow();
            _settingsReadAt = now;
            _bucket = PermitBucket.Follow(_bucket, rate, now);
        }

        if (priority == CrmPriority.RepFacing)
        {
            _repFacingSeenAt = now;
        }

        var reserve = priority == CrmPriority.Bulk && now - _repFacingSeenAt < RepFacingMemory ? 1 : 0;
        var (granted, retryAfter) = _bucket.Take(Math.Min(wanted, MaxLease(_bucket.Rate)), now, reserve);
        return new PermitLease(granted, retryAfter);
    }
}
