using Microsoft.Extensions.Logging;
using Relay.Tenants;
using Relay.Timeline;

namespace Relay.Contacts;

/// <summary>
/// Retention: the contact drops timeline entries (in its state and in its archived chunks) and outcomes older than the
/// tenant's <see cref="TenantSettings.RetentionMonths"/> on its own writes, and tells the tenant's roster
/// (<see cref="IContactRosterGrain"/>) the day of the oldest thing it keeps, so that the daily sweep
/// (<see cref="IRetentionSweepGrain"/>) finds it should it never come back. On the trigger path this costs a comparison
/// of the oldest entry's and outcome's times when nothing is old, and one roster call when the oldest kept day changes
/// (a new contact; at most once a day for a contact whose old entries are being dropped).
/// </summary>
public sealed partial class ContactGrain
{
    /// <summary>The tenant's retention as last read with its configuration; drain writes apply it without another read.</summary>
    private int? _retentionMonths;

    /// <summary>Applies retention before a trigger's write, and keeps the roster in step (best effort: retried with the next write).</summary>
    private async Task ApplyRetentionAsync(TenantConfig config)
    {
        await DropExpiredAsync(config);
        await KeepRosterAsync();
    }

    /// <summary>Drops what is older than the tenant's retention: in the state, then whole or partly from the oldest chunks.</summary>
    private async Task DropExpiredAsync(TenantConfig config)
    {
        _retentionMonths = config.Settings.RetentionMonths;
        if (ContactRetention.Cutoff(_retentionMonths, time.GetUtcNow()) is not { } cutoff || !ContactRetention.IsDue(S, cutoff))
        {
            return;
        }

        ContactRetention.DropInState(S, cutoff);
        while (ContactRetention.ArchivedOldest(S) < cutoff)
        {
            try
            {
                var chunk = GrainFactory.GetGrain<ITimelineChunkRetentionGrain>(TimelineChunkKey.Of(_tenantId, _contactId, S.TimelineFirstChunk));
                ContactRetention.ChunkTrimmed(S, await chunk.TrimAsync(cutoff));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The chunk stays as it is; the next write or sweep tries again.
                LogRetentionFailed(logger, ex, GrainKey);
                return;
            }
        }
    }

    /// <summary>Applies retention to the state alone before a drain write: no grain call, and nothing when nothing is old.</summary>
    private void DropExpiredInState()
    {
        if (ContactRetention.Cutoff(_retentionMonths, time.GetUtcNow()) is { } cutoff)
        {
            ContactRetention.DropInState(S, cutoff);
        }
    }

    /// <summary>Tells the roster the day of the oldest thing this contact keeps, when it changed since it last did.</summary>
    private async Task KeepRosterAsync()
    {
        // Without retention nothing is swept, so the roster is not kept (no grain call for a new contact); a contact joins it
        // with its next write once retention is on. An erased contact leaves it (its tombstone keeps nothing to sweep).
        var day = _retentionMonths is null && !S.IsTombstone ? S.RosterDay : ContactRetention.OldestKeptDay(S);
        if (day == S.RosterDay)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IContactRosterGrain>(ContactRoster.ShardKey(_tenantId, _contactId)).SetAsync(_contactId, day);
            S.RosterDay = day;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRetentionFailed(logger, ex, GrainKey);
        }
    }

    async Task<int?> IContactGrain.SweepRetentionAsync()
    {
        if (S.FirstSeen is null)
        {
            return null;
        }

        var config = await TenantConfigAsync();
        if (config is null)
        {
            return S.RosterDay;
        }

        var before = (S.TimelineTotal, S.Outcomes.Count, S.TimelineFirstChunk, S.TimelineArchivedOldestAt, S.RosterDay);
        await DropExpiredAsync(config);
        S.RosterDay = ContactRetention.OldestKeptDay(S);
        if (before != (S.TimelineTotal, S.Outcomes.Count, S.TimelineFirstChunk, S.TimelineArchivedOldestAt, S.RosterDay))
        {
            await state.WriteStateAsync(CancellationToken.None);
        }

        return S.RosterDay;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {Contact}: applying retention or updating the roster failed; tried again with the next write")]
    private static partial void LogRetentionFailed(ILogger logger, Exception ex, string contact);
}
