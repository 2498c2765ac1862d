using Relay.Tenants;

namespace Relay.Consent;

/// <summary>
/// A tenant's consent log: the latest record of every contact and purpose, each with a sequence number that
/// grows on every change, so a reader asking for changes <c>since</c> a number gets each change once, in order.
/// It is what on-premise (Services75) installations read, and what reconciliation walks. Key: the tenant id.
/// </summary>
[Alias("relay.IConsentLogGrain")]
public interface IConsentLogGrain : IGrainWithStringKey
{
    /// <summary>Records the contact's latest record for its purpose; the same record again changes nothing.</summary>
    [Alias("Put")]
    Task PutAsync(string contactId, int? personId, ConsentRecord record);

    /// <summary>Entries with a sequence number above <paramref name="since"/>, oldest change first.</summary>
    [AlwaysInterleave, Alias("GetSince")]
    Task<ConsentLogPage> GetSinceAsync(long since, int take);

    /// <summary>
    /// Reduces the contact's entries to their proof (it was erased; <see cref="Contacts.ContactErasure.Proof"/>), without
    /// the person, each as a new change so readers since a number learn it. Repeating it changes nothing.
    /// </summary>
    [Alias("EraseContact")]
    Task EraseContactAsync(string contactId);
}

/// <summary>The log: (contact, purpose) → its latest entry, and the last sequence number given.</summary>
[GenerateSerializer, Alias("relay.consent-log-state")]
public sealed class ConsentLogState
{
    /// <summary>Entries by <c>{contactId}\n{purpose}</c>.</summary>
    [Id(0)]
    public Dictionary<string, ConsentEntry> Entries { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last sequence number given.</summary>
    [Id(1)]
    public long LastSequence { get; set; }
}

/// <inheritdoc cref="IConsentLogGrain"/>
/// <remarks>
/// Compacted: one entry per contact and purpose, so its size follows the number of contacts with consents, not
/// the number of changes. For very large tenants on Azure Table storage (1 MiB per entity) it would be sharded
/// by contact; this version keeps one grain per tenant.
/// </remarks>
public sealed class ConsentLogGrain([PersistentState("consent-log", RelayStorage.Name)] IPersistentState<ConsentLogState> state) : Grain, IConsentLogGrain
{
    private ImmutableArray<ConsentEntry>? _ordered;
    private bool _reconcilerTold;

    async Task IConsentLogGrain.PutAsync(string contactId, int? personId, ConsentRecord record)
    {
        var key = contactId + "\n" + record.Purpose;
        if (state.State.Entries.TryGetValue(key, out var existing) && existing.Record == record && existing.PersonId == personId)
        {
            return;
        }

        state.State.Entries[key] = new ConsentEntry(++state.State.LastSequence, contactId, personId, record);
        _ordered = null;
        await state.WriteStateAsync();
        if (!_reconcilerTold && personId is not null)
        {
            // Only Services88 tenants have consents in SuperOffice to reconcile with.
            var config = await GrainFactory.GetGrain<ITenantGrain>(this.GetPrimaryKeyString()).GetConfigAsync();
            if (config is not null && config.Connection.HasConsentOperations)
            {
                await GrainFactory.GetGrain<IConsentReconcilerGrain>(this.GetPrimaryKeyString()).EnsureScheduledAsync();
            }

            _reconcilerTold = true;
        }
    }

    async Task IConsentLogGrain.EraseContactAsync(string contactId)
    {
        var changed = false;
        foreach (var entry in state.State.Entries.Values.Where(e => e.ContactId == contactId).ToList())
        {
            var proof = Contacts.ContactErasure.Proof(entry.Record);
            if (proof != entry.Record || entry.PersonId is not null)
            {
                state.State.Entries[contactId + "\n" + entry.Record.Purpose] = new ConsentEntry(++state.State.LastSequence, contactId, null, proof);
                changed = true;
            }
        }

        if (changed)
        {
            _ordered = null;
            await state.WriteStateAsync();
        }
    }

    Task<ConsentLogPage> IConsentLogGrain.GetSinceAsync(long since, int take)
    {
        _ordered ??= [.. state.State.Entries.Values.OrderBy(e => e.Sequence)];
        var after = _ordered.Value.Where(e => e.Sequence > since).Take(Math.Clamp(take, 1, 1000) + 1).ToList();
        var hasMore = after.Count > take;
        var page = after.Take(take).ToImmutableArray();
        return Task.FromResult(new ConsentLogPage(page, page.IsEmpty ? since : page[^1].Sequence, hasMore));
    }
}
