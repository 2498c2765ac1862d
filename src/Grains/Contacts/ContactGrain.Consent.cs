using Microsoft.Extensions.Logging;
using Relay.Consent;
using Relay.Crm;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Contacts;

/// <summary>
/// The contact's legal basis: consent changes from triggers and from reconciliation, the cancellation a
/// withdrawal of e-mail marketing causes, the tenant's consent log, and SuperOffice (Services88) kept in step.
/// </summary>
public sealed partial class ContactGrain
{
    private DateTimeOffset? _consentRetryAt;
    private int _consentFailures;

    Task<ImmutableArray<ConsentRecord>> IContactGrain.GetConsentsAsync() =>
        Task.FromResult<ImmutableArray<ConsentRecord>>([.. S.Consents.Values.OrderBy(c => c.Purpose, StringComparer.Ordinal)]);

    async Task IContactGrain.ApplyCrmConsentAsync(ConsentRecord record)
    {
        // An erased contact takes nothing back from SuperOffice: that would store a record (and its comment) again.
        if (!S.IsTombstone && ApplyConsent(record, pushToCrm: false))
        {
            Feed.FeedEvents.Raise(S, _contactId, Feed.FeedEventTypes.ConsentChanged, record.ChangedAt,
                new Feed.FeedEventData(PersonId: S.Link?.PersonId, Purpose: record.Purpose, LegalBasis: record.LegalBasis, Granted: record.Granted));
            await state.WriteStateAsync(CancellationToken.None);
            ScheduleDrain(TimeSpan.Zero);
        }
    }

    async Task IContactGrain.ResyncConsentAsync(string purpose)
    {
        if (S.Consents.ContainsKey(purpose) && S.ConsentSyncPending.Add(purpose))
        {
            await state.WriteStateAsync(CancellationToken.None);
        }

        _consentRetryAt = null;
        ScheduleDrain(TimeSpan.Zero);
    }

    /// <summary>Applies a <c>consent.changed</c> trigger (already accepted, not a duplicate); the caller writes the state.</summary>
    private void ApplyConsentTrigger(Trigger trigger, TenantConfig config)
    {
        if (trigger.Type != TriggerType.ConsentChanged || trigger.Consent is not { } change)
        {
            return;
        }

        var record = new ConsentRecord(change.Purpose, change.LegalBasis, change.Granted, change.Source, change.Comment, trigger.OccurredAt, ConsentOrigin.Relay, time.GetUtcNow());
        ApplyConsent(record, pushToCrm: config.Connection.HasConsentOperations);
    }

    private bool ApplyConsent(ConsentRecord record, bool pushToCrm)
    {
        if (ConsentDecisions.Apply(S.Consents, record) is not { } applied)
        {
            return false;
        }

        S.ConsentLogDirty = true;
        if (pushToCrm)
        {
            S.ConsentSyncPending.Add(applied.Purpose);
        }
        else
        {
            S.ConsentSyncPending.Remove(applied.Purpose);
        }

        if (ConsentDecisions.WithdrawsMarketing(applied))
        {
            var cancelled = ConsentDecisions.CancelMarketing(S, time.GetUtcNow());
            LogMarketingCancelled(logger, GrainKey, cancelled);
        }

        return true;
    }

    /// <summary>Brings the consent log and SuperOffice up to date; failures wait for a later drain, never block the outbox.</summary>
    private async Task SyncConsentsAsync(TenantConfig config, CancellationToken cancellationToken)
    {
        var pending = S.Pending & PendingWork.Consents;
        if (pending == PendingWork.None || _consentRetryAt is { } at && at > time.GetUtcNow())
        {
            return;
        }

        try
        {
            if (pending.HasFlag(PendingWork.ConsentSync) && S.Link is { } link)
            {
                foreach (var purpose in S.ConsentSyncPending.Order(StringComparer.Ordinal).ToList())
                {
                    var record = S.Consents[purpose];
                    try
                    {
                        if (record.Granted)
                        {
                            await consents.SetConsentAsync(
                                config.Connection, link.PersonId,
                                new CrmConsent(ConsentDecisions.ToCrmKey(purpose), ConsentDecisions.ToCrmKey(record.LegalBasis), record.Source is null ? null : ConsentDecisions.ToCrmKey(record.Source), record.Comment),
                                cancellationToken);
                        }
                        else
                        {
                            await consents.RemoveConsentAsync(config.Connection, link.PersonId, ConsentDecisions.ToCrmKey(purpose), cancellationToken);
                        }

                        S.Consents[purpose] = record with { SyncedAt = time.GetUtcNow(), SyncError = null };
                    }
                    catch (CrmException ex) when (ex.Kind == CrmErrorKind.Permanent)
                    {
                        S.Consents[purpose] = record with { SyncError = $"{ex.ErrorType}: {ex.Message}" };
                    }

                    S.ConsentSyncPending.Remove(purpose);
                    S.ConsentLogDirty = true;
                    await state.WriteStateAsync(CancellationToken.None);
                }
            }

            if (S.ConsentLogDirty)
            {
                var log = GrainFactory.GetGrain<IConsentLogGrain>(_tenantId);
                foreach (var record in S.Consents.Values)
                {
                    await log.PutAsync(_contactId, S.Link?.PersonId, record);
                }

                S.ConsentLogDirty = false;
                await state.WriteStateAsync(CancellationToken.None);
            }

            _consentFailures = 0;
            _consentRetryAt = null;
        }
        catch (Exception ex) when (ex is CrmException or TimeoutException or OrleansException)
        {
            var delay = ContactDecisions.Backoff(++_consentFailures, Random.Shared.NextDouble(), retry.Value.MaxBackoff);
            _consentRetryAt = time.GetUtcNow() + delay;
            LogConsentSyncFailed(logger, ex, GrainKey, delay);
            ScheduleDrain(delay);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {Contact} withdrew e-mail marketing consent: {Count} pending action(s) cancelled")]
    private static partial void LogMarketingCancelled(ILogger logger, string contact, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consent sync of contact {Contact} failed; next attempt in {Delay}")]
    private static partial void LogConsentSyncFailed(ILogger logger, Exception ex, string contact, TimeSpan delay);
}
