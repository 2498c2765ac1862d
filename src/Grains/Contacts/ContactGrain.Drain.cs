using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Relay.Crm;
using Relay.Tenants;

namespace Relay.Contacts;

/// <summary>
/// The drain: one non-interleaved timer that does what <see cref="ContactState.Pending"/> says is left (consents, the
/// person, the outbox, the indexes), and the reminder that keeps a contact with work left alive: after a silo failure it
/// brings the contact back on another silo to finish it.
/// </summary>
public sealed partial class ContactGrain : IRemindable
{
    private const string DrainReminder = "drain";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IndexRetryDelay = TimeSpan.FromSeconds(5);
    private IGrainTimer? _drainTimer;
    private bool? _hasReminder;

    /// <summary>
    /// An action's outcome is in memory but not yet written: it is written before the next action goes out (with the
    /// next create's "sent" mark), or when the drain stops. Safe to lose in a crash: a create was marked sent before
    /// it went out (the next attempt looks it up by its reference), and every other action is a set operation that
    /// can be made again.
    /// </summary>
    private bool _outcomeUnwritten;

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == DrainReminder)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    private void ScheduleDrain(TimeSpan due)
    {
        if (_drainTimer is null)
        {
            _drainTimer = this.RegisterGrainTimer(DrainAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
        }
        else
        {
            _drainTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Syncs consents, resolves the person if needed, then performs due actions in order until one must wait.</summary>
    /// <remarks>
    /// The drain runs from a one-shot timer, so every way out of it either leaves nothing to do or schedules the
    /// next drain: a failure that escaped would leave the contact idle until its reminder (a minute later, or never
    /// if the reminder could not be written).
    /// </remarks>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        TenantConfig? config;
        try
        {
            config = await TenantConfigAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The tenant grain could not be reached (its silo is dying, the cluster is overloaded).
            DrainFailed(ex);
            return;
        }

        if (config is null)
        {
            return;
        }

        _retentionMonths = config.Settings.RetentionMonths;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await SyncConsentsAsync(config, cancellationToken);
                if (S.NeedsResolution)
                {
                    await ResolvePersonAsync(config, cancellationToken);
                    await WriteStateAsync();
                    continue;
                }

                var item = ContactDecisions.NextDue(S, time.GetUtcNow(), out var wait);
                if (item is null)
                {
                    if (wait is { } w)
                    {
                        ScheduleDrain(w);
                    }

                    break;
                }

                if (!await PerformAsync(config, item, cancellationToken))
                {
                    break;
                }
            }

            if (_outcomeUnwritten)
            {
                await WriteStateAsync();
            }
        }
        catch (CrmException ex)
        {
            // The person lookup failed; the actions stay queued and the lookup is tried again.
            var delay = ex.RetryAfter ?? RetryDelay();
            LogResolutionFailed(logger, ex, GrainKey, delay);
            ScheduleDrain(delay);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Outside the CRM port's error model: a grain call or a state write failed. The outbox is as last written.
            DrainFailed(ex);
        }
        finally
        {
            await FinishErasureAsync();
            await SyncIndexesAsync();
            await KeepReminderAsync();
            ReportOutbox();
        }
    }

    /// <summary>
    /// A drain failed for a reason other than the CRM's: it is tried again after a backoff. A state write refused for
    /// its ETag means another activation wrote this contact since it was read; this one steps aside for a fresh read.
    /// </summary>
    private void DrainFailed(Exception ex)
    {
        if (ex is InconsistentStateException)
        {
            LogStaleActivation(logger, ex, GrainKey);
            DeactivateOnIdle();
            return;
        }

        var delay = RetryDelay();
        LogDrainFailed(logger, ex, GrainKey, delay);
        ScheduleDrain(delay);
    }

    /// <summary>How long a drain that failed as a whole (not one action) waits before it runs again: about two seconds.</summary>
    private TimeSpan RetryDelay() => ContactDecisions.Backoff(2, Random.Shared.NextDouble(), retry.Value.MaxBackoff);

    private async Task WriteStateAsync()
    {
        DropExpiredInState();
        await state.WriteStateAsync(CancellationToken.None);
        _outcomeUnwritten = false;
    }

    /// <summary>Makes the index updates the state has flagged, writes what was made, and comes back for what failed.</summary>
    private async Task SyncIndexesAsync()
    {
        var before = S.Pending & PendingWork.Indexes;
        if (before == PendingWork.None)
        {
            return;
        }

        var left = await _indexes.SyncAsync(S);
        if (left != before)
        {
            try
            {
                await WriteStateAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The updates are made and idempotent; the flags are written with the next write, or the updates repeated.
                LogDrainFailed(logger, ex, GrainKey, IndexRetryDelay);
                left = before;
            }
        }

        if (left != PendingWork.None)
        {
            ScheduleDrain(IndexRetryDelay);
        }
    }

    /// <summary>
    /// Registers the drain reminder while there is work left, and drops it once there is none: after a silo failure the
    /// reminder brings the contact back on another silo to finish what <see cref="ContactState.Pending"/> says is left.
    /// </summary>
    private async Task KeepReminderAsync()
    {
        var needed = S.Pending != PendingWork.None;
        if (_hasReminder == needed)
        {
            return;
        }

        try
        {
            if (needed)
            {
                await this.RegisterOrUpdateReminder(DrainReminder, ReminderPeriod, ReminderPeriod);
            }
            else if (await this.GetReminder(DrainReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _hasReminder = needed;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReminderFailed(logger, ex, GrainKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Person lookup for contact {Contact} failed; next attempt in {Delay}")]
    private static partial void LogResolutionFailed(ILogger logger, Exception ex, string contact, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining contact {Contact} failed; next drain in {Delay}")]
    private static partial void LogDrainFailed(ILogger logger, Exception ex, string contact, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {Contact} was written by another activation; deactivating to read it again")]
    private static partial void LogStaleActivation(ILogger logger, Exception ex, string contact);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain reminder of contact {Contact} could not be updated")]
    private static partial void LogReminderFailed(ILogger logger, Exception ex, string contact);
}
