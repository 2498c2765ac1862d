using Microsoft.Extensions.Logging;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Contacts;

/// <summary>
/// Taking triggers in: a trigger lane (<see cref="TriggerLaneGrain"/>) hands over a queue message's triggers, which are
/// applied in order and written together, once. The call returns only after that write, and the lane acknowledges the
/// message only then, so a crash loses nothing; a redelivery is dropped trigger by trigger as a duplicate.
/// </summary>
public sealed partial class ContactGrain
{
    async Task IContactGrain.AcceptAsync(ImmutableArray<TriggerEnvelope> triggers)
    {
        var config = await TenantConfigAsync();
        if (config is null)
        {
            foreach (var envelope in triggers)
            {
                LogTenantGone(logger, _tenantId, envelope?.Trigger?.Id);
            }

            return;
        }

        var unwritten = new List<TriggerEnvelope>(triggers.Length);
        var recorded = new List<TriggerType>(triggers.Length);
        foreach (var envelope in triggers)
        {
            var disposition = await AcceptOrDeadLetterAsync(envelope, config, unwritten);
            if (disposition is null)
            {
                continue;
            }

            unwritten.Add(envelope);
            if (disposition is TriggerDisposition.Duplicate or TriggerDisposition.Erased)
            {
                metrics.Deduplicated(_tenantId);
                continue;
            }

            recorded.Add(envelope.Trigger.Type);
        }

        if (recorded.Count == 0)
        {
            // Duplicates and dead letters only: nothing to store.
            return;
        }

        await ArchiveTimelineChunkAsync();
        await ApplyRetentionAsync(config);
        try
        {
            await state.WriteStateAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The triggers are applied in memory only. Redelivered to this activation they would be dropped as duplicates
            // and lost with the activation; so this one steps aside and the redelivery meets a fresh read of the store.
            LogTriggersNotStored(logger, ex, GrainKey, recorded.Count);
            DeactivateOnIdle();
            throw;
        }

        foreach (var type in recorded)
        {
            metrics.Processed(_tenantId, type);
        }

        ReportOutbox();
        if (S.Pending != PendingWork.None)
        {
            ScheduleDrain(TimeSpan.Zero);
        }
    }

    /// <summary>Applies one trigger to the state: the timeline, the automations' actions, a consent change.</summary>
    private TriggerDisposition Apply(Trigger trigger, TenantConfig config)
    {
        var disposition = ContactDecisions.Accept(S, trigger, config, time.GetUtcNow());
        if (disposition is not (TriggerDisposition.Duplicate or TriggerDisposition.Erased))
        {
            ApplyConsentTrigger(trigger, config);
        }

        return disposition;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {Contact}: {Count} trigger(s) could not be stored; deactivating so that their redelivery is applied afresh")]
    private static partial void LogTriggersNotStored(ILogger logger, Exception ex, string contact, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trigger {TriggerId} dropped: tenant {TenantId} no longer exists")]
    private static partial void LogTenantGone(ILogger logger, string tenantId, string? triggerId);
}
