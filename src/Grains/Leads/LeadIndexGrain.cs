using Orleans.Runtime;
using Relay.Contacts;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Leads;

/// <inheritdoc cref="ILeadIndexGrain"/>
/// <remarks>
/// Each change rewrites the shard's whole state (kept in blob storage in production). Writes are grouped:
/// the grain is reentrant, changes are made at once in memory, and each caller waits for the next
/// write that includes its change — one write in flight at a time, all changes made meanwhile riding
/// on the next. A caller is answered only once its change is stored. An hourly reminder expires old
/// leads, also after a restart.
/// </remarks>
[Reentrant]
public sealed class LeadIndexGrain(
    [PersistentState("leads", RelayStorage.Large)] IPersistentState<LeadIndexState> state,
    RelayClock time) : Grain, ILeadIndexGrain, IRemindable
{
    private const string ExpiryReminder = "lead-expiry";
    private ImmutableArray<LeadRow>? _sorted;
    private bool _reminderRegistered;
    private TaskCompletionSource? _nextWrite;
    private bool _writing;

    private string TenantId => LeadIndex.TenantOf(this.GetPrimaryKeyString());

    async Task ILeadIndexGrain.UpsertAsync(LeadRow row)
    {
        if (state.State.Rows.TryGetValue(row.ContactId, out var existing) && existing == row)
        {
            return;
        }

        state.State.Rows[row.ContactId] = row;
        _sorted = null;
        await PersistAsync();
        if (!_reminderRegistered)
        {
            _reminderRegistered = true;
            await this.RegisterOrUpdateReminder(ExpiryReminder, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        }
    }

    async Task ILeadIndexGrain.RemoveAsync(string contactId)
    {
        if (state.State.Rows.Remove(contactId))
        {
            _sorted = null;
            await PersistAsync();
        }
    }

    /// <summary>Completes when a write that includes every change made so far is stored.</summary>
    private Task PersistAsync()
    {
        _nextWrite ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = _nextWrite.Task;
        if (!_writing)
        {
            _ = WriteLoopAsync();
        }

        return stored;
    }

    private async Task WriteLoopAsync()
    {
        _writing = true;
        try
        {
            while (_nextWrite is { } round)
            {
                _nextWrite = null;
                try
                {
                    await state.WriteStateAsync();
                    round.SetResult();
                }
                catch (Exception ex)
                {
                    round.SetException(ex);
                }
            }
        }
        finally
        {
            _writing = false;
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
