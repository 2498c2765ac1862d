namespace Relay.Leads;

/// <summary>
/// A tenant's lead index, spread over <see cref="Shards"/> grains by contact id so that no single
/// grain's state grows with every lead of a large tenant and each change rewrites only a small part.
/// Readers merge the shards; writers go to the contact's own shard.
/// </summary>
public static class LeadIndex
{
    /// <summary>How many grains hold one tenant's leads.</summary>
    public const int Shards = 16;

    /// <summary>The shard that holds the contact's row.</summary>
    public static ILeadIndexGrain ShardOf(IGrainFactory grains, string tenantId, string contactId) =>
        Shard(grains, tenantId, (int)(Fnv1a(contactId) % Shards));

    /// <summary>A page of the tenant's leads, most recently active first, merged from every shard.</summary>
    public static async Task<LeadPage> GetPageAsync(IGrainFactory grains, string tenantId, int skip, int take)
    {
        skip = Math.Max(0, skip);
        take = Math.Max(0, take);
        var pages = await Task.WhenAll(Enumerable.Range(0, Shards).Select(s => Shard(grains, tenantId, s).GetPageAsync(0, skip + take)));
        var rows = pages.SelectMany(p => p.Items)
            .OrderByDescending(r => r.LastSeen)
            .ThenBy(r => r.ContactId, StringComparer.Ordinal)
            .Skip(skip)
            .Take(take);
        return new LeadPage(pages.Sum(p => p.Total), skip, [.. rows]);
    }

    /// <summary>Expires the tenant's leads that are past the tenant's lead expiry; returns how many.</summary>
    public static async Task<int> SweepExpiredAsync(IGrainFactory grains, string tenantId) =>
        (await Task.WhenAll(Enumerable.Range(0, Shards).Select(s => Shard(grains, tenantId, s).SweepExpiredAsync()))).Sum();

    /// <summary>The tenant of a shard's key, <c>{tenant}:{shard}</c>.</summary>
    public static string TenantOf(string shardKey) =>
        shardKey.LastIndexOf(':') is > 0 and var colon
            ? shardKey[..colon]
            : throw new ArgumentException($"'{shardKey}' is not a lead index shard key ({{tenant}}:{{shard}}); use LeadIndex to reach a tenant's leads.", nameof(shardKey));

    private static ILeadIndexGrain Shard(IGrainFactory grains, string tenantId, int shard) =>
        grains.GetGrain<ILeadIndexGrain>($"{tenantId}:{shard.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>A hash that is the same in every process (string.GetHashCode is not).</summary>
    private static uint Fnv1a(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
