using Microsoft.Extensions.Options;
using Relay.Resilience;
using Relay.Tenants;

namespace Relay.Crm.Lookups;

/// <inheritdoc cref="ITicketCheckGrain"/>
/// <remarks>
/// Keeps nothing in storage: after a silo failure it starts with an empty memory and a full (small) bucket, which
/// costs at most a few logins. The memory cannot outgrow the bucket by much: only admitted checks are remembered.
/// </remarks>
internal sealed class TicketCheckGrain(TimeProvider time, IOptions<TicketCheckOptions> options) : Grain, ITicketCheckGrain
{
    private static readonly TimeSpan SettingsRefresh = TimeSpan.FromSeconds(5);

    private readonly TicketCheckOptions _options = options.Value;
    private readonly Dictionary<string, (DateTimeOffset Until, CrmUser? User)> _checked = new(StringComparer.Ordinal);
    private PermitBucket? _bucket;
    private DateTimeOffset _settingsReadAt;

    async Task<TicketCheckAdmission> ITicketCheckGrain.AdmitAsync(string ticketHash)
    {
        var now = time.GetUtcNow();
        if (_checked.TryGetValue(ticketHash, out var known))
        {
            if (known.Until > now)
            {
                return known.User is null
                    ? new TicketCheckAdmission(TicketCheckVerdict.RefusedLately)
                    : new TicketCheckAdmission(TicketCheckVerdict.ValidLately, User: known.User);
            }

            _checked.Remove(ticketHash);
        }

        var bucket = await BucketAsync(now);
        var (granted, retryAfter) = bucket.Take(1, time.GetUtcNow());
        return granted > 0 ? new TicketCheckAdmission(TicketCheckVerdict.Check) : new TicketCheckAdmission(TicketCheckVerdict.Busy, retryAfter);
    }

    Task ITicketCheckGrain.RememberAsync(string ticketHash, CrmUser? user)
    {
        var now = time.GetUtcNow();
        if (_checked.Count >= _options.MaxRemembered)
        {
            foreach (var lapsed in _checked.Where(r => r.Value.Until <= now).Select(r => r.Key).ToList())
            {
                _checked.Remove(lapsed);
            }

            if (_checked.Count >= _options.MaxRemembered)
            {
                _checked.Remove(_checked.MinBy(r => r.Value.Until).Key);
            }
        }

        _checked[ticketHash] = (now + (user is null ? _options.FailureMemory : _options.ValidMemory), user);
        return Task.CompletedTask;
    }

    /// <summary>The ticket checks' slice of the tenant's rate, which follows changes of the tenant's settings.</summary>
    private async Task<PermitBucket> BucketAsync(DateTimeOffset now)
    {
        if (_bucket is null || now - _settingsReadAt > SettingsRefresh)
        {
            var config = await GrainFactory.GetGrain<ITenantGrain>(this.GetPrimaryKeyString()).GetConfigAsync();
            var rate = Math.Max(_options.MinimumPerSecond, (config?.Settings.CrmCallsPerSecond ?? TenantSettings.DefaultCrmCallsPerSecond) * _options.BudgetShare);
            now = time.GetUtcNow();
            _settingsReadAt = now;
            _bucket = PermitBucket.Follow(_bucket, rate, now, Math.Max(1, _options.Burst));
        }

        return _bucket;
    }
}
