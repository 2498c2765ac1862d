namespace Relay.Leads;

/// <summary>
/// One shard of a tenant's leads, one row per contact, kept in step by the contact grains. Key:
/// <c>{tenant}:{shard}</c>; use <see cref="LeadIndex"/> to find a contact's shard and to read all of them.
/// </summary>
[Alias("relay.ILeadIndexGrain")]
public interface ILeadIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces the contact's row.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(LeadRow row);

    /// <summary>Removes the contact's row, if any.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string contactId);

    /// <summary>Expires every lead older than the tenant's lead expiry; returns how many expired.</summary>
    [Alias("SweepExpired")]
    Task<int> SweepExpiredAsync();

    /// <summary>A page of leads, most recently active first, each with when it expires.</summary>
    [AlwaysInterleave, Alias("GetPage")]
    Task<LeadPage> GetPageAsync(int skip, int take);
}
