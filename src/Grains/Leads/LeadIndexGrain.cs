using Orleans.Runtime;
using Relay.Contacts;
using Relay.Tenants;

namespace Relay.Leads;

/// <inheritdoc cref="ILeadIndexGrain"/>
/// <remarks>An hourly reminder expires old leads, also after a restart.</remarks>
public sealed class LeadIndexGrain(
    [PersistentState("leads", RelayStorage.Large)] IPersistentState<LeadIndexState> state,
    TimeProvider time) : Grain, ILeadIndexGrain, IRemindable
{
    private const string ExpiryReminder = "lead-expiry";
    private ImmutableArray<LeadRow>? _sorted;
    private bool _reminderRegistered;

    private string TenantId => this.GetPrimaryKeyString();

    async Task ILeadIndexGrain.UpsertAsync(LeadRow row)
    {
        if (state.State.Rows.TryGetValue(row.ContactId, out var existing) && existing == row)
        {
            return;
        }

        state.State.Rows[row.ContactId] = row;
        _sorted = null;
        await state.WriteStateAsync();
        if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ExpiryReminder, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
            _reminderRegistered = true;
        }
    }

    async Task ILeadIndexGrain.RemoveAsync(string contactId)
    {
        if (state.State.Rows.Remove(contactId))
        {
            _sorted = null;
            await state.WriteStateAsync();
        }
    }

    async Task<LeadPage> ILeadIndexGrain.GetPageAsync(int skip, int take)
    {
        _sorted ??= [.. state.State.Rows.Values.OrderByDescending(r => r.LastSeen).ThenBy(r => r.ContactId, StringComparer.Ordinal)];
        var rows = _sorted.Value;
        skip = Math.Clamp(skip, 0, rows.Length);
        take = Math.Clamp(take, 0, rows.Length - skip);
        var settings = (await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetConfigAsync())?.Settings;
        var now = time.GetUtcNow();
        var page = rows.Slice(skip, take);
        if (settings is not null)
        {
            page = [.. page.Select(r => r with { ExpiresAt = LeadAging.ExpiresAt(r.LeadSince, settings), ExpiresSoon = LeadAging.ExpiresSoon(r.LeadSince, settings, now) })];
        }

        return new LeadPage(rows.Length, skip, page);
    }

    async Task<int> ILeadIndexGrain.SweepExpiredAsync()
    {
        var settings = (await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetConfigAsync())?.Settings;
        if (settings is null)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var due = state.State.Rows.Values.Where(r => LeadAging.ExpiresAt(r.LeadSince, settings) <= now).Select(r => r.ContactId).ToList();
        var expired = 0;
        foreach (var contactId in due)
        {
            var result = await GrainFactory.GetGrain<IContactGrain>(ContactKey.Of(TenantId, contactId)).ExpireIfDueAsync();
            expired += result.Status == LeadDecisionStatus.Done ? 1 : 0;
        }

        return expired;
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        if (state.State.Rows.Count == 0)
        {
            if (await this.GetReminder(ExpiryReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderRegistered = false;
            return;
        }

        await ((ILeadIndexGrain)this).SweepExpiredAsync();
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
