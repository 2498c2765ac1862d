using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Relay.Contacts;

/// <summary>
/// Parked actions (replay, and the tenant's parked index) and the reminder that keeps a contact with work left
/// alive: after a silo failure it brings the contact back on another silo to drain its outbox.
/// </summary>
public sealed partial class ContactGrain : IRemindable
{
    private const string DrainReminder = "drain";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private bool? _hasReminder;

    async Task<int> IContactGrain.ReplayParkedAsync(string? key, string? errorType)
    {
        var replayed = ContactDecisions.Replay(S, key, errorType);
        if (replayed > 0)
        {
            await state.WriteStateAsync(CancellationToken.None);

            // The drain updates the parked index; doing it here could call back into a grain that is calling us.
            ScheduleDrain(TimeSpan.Zero);
        }

        return replayed;
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == DrainReminder)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    private bool HasWorkLeft => (S.Outbox.Count > 0 && S.Lead is null) || S.ParkedIndexDirty || IndexesDirty;

    /// <summary>Registers the drain reminder while there is work left, and drops it once there is none.</summary>
    private async Task KeepReminderAsync()
    {
        var needed = HasWorkLeft;
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

    private async Task SyncParkedIndexAsync()
    {
        if (!S.ParkedIndexDirty)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IParkedIndexGrain>(_tenantId).SetAsync(_contactId, [.. S.Parked.Select(p =>
                new ParkedAction(_contactId, p.Key, p.TriggerId, p.AutomationId, p.Action.Kind, p.LastErrorType ?? "Unknown", p.LastError, p.Attempts))]);
            S.ParkedIndexDirty = false;
            await state.WriteStateAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogIndexFailed(logger, ex, GrainKey);
            ScheduleDrain(TimeSpan.FromSeconds(5));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain reminder of contact {Contact} could not be updated")]
    private static partial void LogReminderFailed(ILogger logger, Exception ex, string contact);
}
