using Microsoft.Extensions.Logging;
using Relay.Admin;
using Relay.Consent;
using Relay.DeadLetters;
using Relay.Events;
using Relay.Imports;
using Relay.Timeline;

namespace Relay.Contacts;

/// <summary>
/// Forgetting the contact (GDPR erasure): its state becomes a tombstone (<see cref="ContactErasure.Tombstone"/>) in one
/// write, then the other grains that hold its data are cleaned, each step idempotent and flagged in the tombstone
/// (<see cref="ContactState.Erasure"/>) until done, so a failure or a crash only repeats it from the drain.
/// </summary>
public sealed partial class ContactGrain
{
    async Task<ErasureReceipt> IContactGrain.EraseAsync(string by)
    {
        var known = S.FirstSeen is not null;

        // Erasing a tombstone again changes nothing: the first erasure's time keeps deciding which triggers are old.
        if (!S.IsTombstone)
        {
            state.State = ContactErasure.Tombstone(S, _contactId, by, time.GetUtcNow());
            await state.WriteStateAsync(CancellationToken.None);
            LogErased(logger, GrainKey, known);
            ReportOutbox();
        }

        await FinishErasureAsync();
        var listed = S.RosterDay;
        await KeepRosterAsync();
        if (S.RosterDay != listed)
        {
            await state.WriteStateAsync(CancellationToken.None);
        }

        await SyncIndexesAsync();
        await KeepReminderAsync();
        return new ErasureReceipt(_contactId, S.ErasedAt!.Value, known, S.Pending == PendingWork.None);
    }

    /// <summary>Does the erasure's steps still left, each on its own; writes what was done, and comes back for what failed.</summary>
    private async Task FinishErasureAsync()
    {
        if (S.Erasure is not { } work)
        {
            return;
        }

        var left = work.Steps;
        foreach (var step in Enum.GetValues<ErasureSteps>().Where(s => s is not ErasureSteps.None and not ErasureSteps.All && left.HasFlag(s)))
        {
            try
            {
                await EraseStepAsync(step, work);
                left &= ~step;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogErasureStepFailed(logger, ex, GrainKey, step);
            }
        }

        S.Erasure = left == ErasureSteps.None ? null : work with { Steps = left };
        try
        {
            await WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Every step is idempotent: the drain repeats whatever the stored state still lists.
            LogErasureStepFailed(logger, ex, GrainKey, left);
            S.Erasure = work;
        }

        if (S.Erasure is not null)
        {
            ScheduleDrain(IndexRetryDelay);
        }
    }

    private async Task EraseStepAsync(ErasureSteps step, ErasureWork work)
    {
        switch (step)
        {
            case ErasureSteps.TimelineChunks:
                await Task.WhenAll(Enumerable.Range(0, work.TimelineChunks).Select(n =>
                    GrainFactory.GetGrain<ITimelineChunkGrain>(TimelineChunkKey.Of(_tenantId, _contactId, n)).ClearAsync()));
                break;
            case ErasureSteps.EventDetails:
                // The archived pages are cleared only after their objects' details are: a repeat finds what is left.
                var pages = Enumerable.Range(0, work.CreatedObjectPages).Select(n => GrainFactory.GetGrain<ICreatedObjectPageGrain>(CreatedObjectPageKey.Of(_tenantId, _contactId, n))).ToList();
                var archived = await Task.WhenAll(pages.Select(p => p.GetAsync()));
                await Task.WhenAll(work.CreatedObjects.Concat(archived.SelectMany(a => a)).Distinct().Select(o =>
                    GrainFactory.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(_tenantId, o.Kind, o.Id)).EraseContactAsync(_contactId)));
                await Task.WhenAll(pages.Select(p => p.ClearAsync()));
                break;
            case ErasureSteps.DeadLetters:
                await GrainFactory.GetGrain<IDeadLetterGrain>(_tenantId).EraseContactAsync(_contactId);
                break;
            case ErasureSteps.ConsentLog:
                await GrainFactory.GetGrain<IConsentLogGrain>(_tenantId).EraseContactAsync(_contactId);
                break;
            case ErasureSteps.Imports:
                await ImportErasure.EraseAsync(GrainFactory, _tenantId, work);
                break;
            case ErasureSteps.AdminLog:
                await GrainFactory.GetGrain<IAdminLogGrain>(_tenantId).EraseContactAsync(_contactId);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {Contact} erased (known before: {Known})")]
    private static partial void LogErased(ILogger logger, string contact, bool known);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasing contact {Contact}: {Steps} failed; retrying")]
    private static partial void LogErasureStepFailed(ILogger logger, Exception ex, string contact, ErasureSteps steps);
}
