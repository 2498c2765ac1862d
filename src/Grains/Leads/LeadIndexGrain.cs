using Orleans.Runtime;

namespace Relay.Leads;

/// <inheritdoc cref="ILeadIndexGrain"/>
public sealed class LeadIndexGrain(
    [PersistentState("leads", RelayStorage.Name)] IPersistentState<LeadIndexState> state) : Grain, ILeadIndexGrain
{
    private ImmutableArray<LeadRow>? _sorted;

    async Task ILeadIndexGrain.UpsertAsync(LeadRow row)
    {
        if (state.State.Rows.TryGetValue(row.ContactId, out var existing) && existing == row)
        {
            return;
        }

        state.State.Rows[row.ContactId] = row;
        _sorted = null;
        await state.WriteStateAsync();
    }

    async Task ILeadIndexGrain.RemoveAsync(string contactId)
    {
        if (state.State.Rows.Remove(contactId))
        {
            _sorted = null;
            await state.WriteStateAsync();
        }
    }

    Task<LeadPage> ILeadIndexGrain.GetPageAsync(int skip, int take)
    {
        _sorted ??= [.. state.State.Rows.Values.OrderByDescending(r => r.LastSeen).ThenBy(r => r.ContactId, StringComparer.Ordinal)];
        var rows = _sorted.Value;
        skip = Math.Clamp(skip, 0, rows.Length);
        take = Math.Clamp(take, 0, rows.Length - skip);
        return Task.FromResult(new LeadPage(rows.Length, skip, rows.Slice(skip, take)));
    }
}

/// <summary>What a lead index stores: the rows by contact id.</summary>
[GenerateSerializer, Alias("relay.lead-index-state")]
public sealed class LeadIndexState
{
    /// <summary>One row per lead, by contact id.</summary>
    [Id(0)]
    public Dictionary<string, LeadRow> Rows { get; set; } = new(StringComparer.Ordinal);
}
