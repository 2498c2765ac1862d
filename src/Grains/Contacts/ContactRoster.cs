using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Contacts;

/// <summary>
/// One shard of a tenant's contact roster: contact id → the day (<see cref="ContactRetention.Day"/>) of the oldest
/// timeline entry or outcome it keeps, so that retention reaches contacts that never come back. Contacts report a
/// change of that day on their writes (at most once a day each); the daily sweep visits those whose day is at or before
/// the cutoff's. Key: <c>{tenant}:{shard}</c> (<see cref="ContactRoster.ShardKey"/>).
/// </summary>
[Alias("relay.IContactRosterGrain")]
public interface IContactRosterGrain : IGrainWithStringKey
{
    /// <summary>Records a contact's oldest kept day; null takes it off (it keeps nothing). Acknowledged once stored.</summary>
    [Alias("Set")]
    Task SetAsync(string contactId, int? day);

    /// <summary>Visits every listed contact whose oldest kept day is at or before <paramref name="cutoffDay"/>; returns how many.</summary>
    [Alias("Sweep")]
    Task<int> SweepAsync(int cutoffDay);

    /// <summary>The roster shard as it stands (for tests and diagnostics).</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ImmutableDictionary<string, int>> GetAsync();
}

/// <summary>Keys of the roster shards.</summary>
public static class ContactRoster
{
    /// <summary>How many shards a tenant's roster has: each holds about one in sixteen of its contacts.</summary>
    public const int Shards = 16;

    /// <summary>The shard a contact is listed in.</summary>
    public static string ShardKey(string tenantId, string contactId) =>
        ShardKey(tenantId, (int)(ContactDecisions.TriggerHash(contactId) % Shards));

    /// <summary>The key of shard number <paramref name="shard"/>.</summary>
    public static string ShardKey(string tenantId, int shard) => $"{tenantId}:{shard.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <inheritdoc cref="IContactRosterGrain"/>
/// <remarks>
/// Reentrant, with group commit: the changes that arrive while a write is under way are written together by the next
/// one, and each caller is answered once a write holding its change is stored.
/// </remarks>
[Reentrant]
public sealed partial class ContactRosterGrain(
    [PersistentState("contact-roster", RelayStorage.Name)] IPersistentState<ContactRosterState> state,
    ILogger<ContactRosterGrain> logger) : Grain, IContactRosterGrain
{
    /// <summary>How many contacts a sweep visits at once.</summary>
    private const int SweepParallelism = 8;

    private Task _lastWrite = Task.CompletedTask;
    private Task? _nextWrite;
    private bool _sweepScheduled;

    async Task IContactRosterGrain.SetAsync(string contactId, int? day)
    {
        if (Apply(contactId, day))
        {
            await WriteSoonAsync();
        }

        await EnsureSweepScheduledAsync();
    }

    async Task<int> IContactRosterGrain.SweepAsync(int cutoffDay)
    {
        var due = state.State.Days.Where(p => p.Value <= cutoffDay).Select(p => p.Key).ToList();
        var changed = false;
        foreach (var batch in due.Chunk(SweepParallelism))
        {
            var days = await Task.WhenAll(batch.Select(VisitAsync));
            for (var i = 0; i < batch.Length; i++)
            {
                changed |= days[i] is { } d && Apply(batch[i], d.Day);
            }
        }

        if (changed)
        {
            await WriteSoonAsync();
        }

        return due.Count;
    }

    Task<ImmutableDictionary<string, int>> IContactRosterGrain.GetAsync() => Task.FromResult(state.State.Days.ToImmutableDictionary(StringComparer.Ordinal));

    /// <summary>Has the contact apply retention; null when the visit failed (it stays listed and is visited again).</summary>
    private async Task<(int? Day, bool Ok)?> VisitAsync(string contactId)
    {
        var (tenant, _) = ParseKey();
        try
        {
            return (await GrainFactory.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).SweepRetentionAsync(), true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogVisitFailed(logger, ex, this.GetPrimaryKeyString(), contactId);
            return null;
        }
    }

    private bool Apply(string contactId, int? day)
    {
        if (day is { } d)
        {
            if (state.State.Days.TryGetValue(contactId, out var known) && known == d)
            {
                return false;
            }

            state.State.Days[contactId] = d;
            return true;
        }

        return state.State.Days.Remove(contactId);
    }

    /// <summary>Writes the state after the write under way, together with every change made until it starts.</summary>
    private Task WriteSoonAsync() => _nextWrite ??= WriteAfterAsync(_lastWrite);

    private async Task WriteAfterAsync(Task previous)
    {
        // Never synchronously: the caller stores this task as the next write first, and it is cleared here, once this write
        // takes the changes made until now. (Run synchronously, it was cleared before it was stored and stayed for good.)
        // The write under way may fail: its callers were told; this write carries their changes too.
        await previous.ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
        _nextWrite = null;
        var write = state.WriteStateAsync();
        _lastWrite = write;
        await write;
    }

    /// <summary>The tenant's daily sweep is registered by the first roster change of each activation (cheap once registered).</summary>
    private async Task EnsureSweepScheduledAsync()
    {
        if (_sweepScheduled)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IRetentionSweepGrain>(ParseKey().Tenant).EnsureScheduledAsync();
            _sweepScheduled = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogVisitFailed(logger, ex, this.GetPrimaryKeyString(), "(sweep reminder)");
        }
    }

    private (string Tenant, string Shard) ParseKey()
    {
        var key = this.GetPrimaryKeyString();
        var colon = key.LastIndexOf(':');
        return (key[..colon], key[(colon + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Roster {Roster}: retention visit of {Contact} failed; it is visited again by the next sweep")]
    private static partial void LogVisitFailed(ILogger logger, Exception ex, string roster, string contact);
}

/// <summary>What a roster shard stores.</summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("relay.contact-roster-state")]
public sealed class ContactRosterState
{
    /// <summary>Contact id → day of the oldest entry or outcome it keeps.</summary>
    [Id(0)]
    public Dictionary<string, int> Days { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A tenant's daily retention sweep over its roster. Key: the tenant id.</summary>
[Alias("relay.IRetentionSweepGrain")]
public interface IRetentionSweepGrain : IGrainWithStringKey
{
    /// <summary>Registers the daily reminder unless it is registered already (an existing one keeps its schedule).</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Sweeps now: visits every contact keeping something older than the tenant's retention; returns how many.</summary>
    [Alias("Sweep")]
    Task<int> SweepAsync();
}

/// <inheritdoc cref="IRetentionSweepGrain"/>
public sealed partial class RetentionSweepGrain(RelayClock time, ILogger<RetentionSweepGrain> logger) : Grain, IRetentionSweepGrain, IRemindable
{
    private const string ReminderName = "retention-sweep";
    private static readonly TimeSpan Period = TimeSpan.FromDays(1);
    private bool _scheduled;

    async Task IRetentionSweepGrain.EnsureScheduledAsync()
    {
        if (_scheduled)
        {
            return;
        }

        if (await this.GetReminder(ReminderName) is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromHours(1), Period);
        }

        _scheduled = true;
    }

    Task<int> IRetentionSweepGrain.SweepAsync() => SweepAsync();

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        try
        {
            await SweepAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(logger, ex, this.GetPrimaryKeyString());
        }
    }

    private async Task<int> SweepAsync()
    {
        var tenant = this.GetPrimaryKeyString();
        var config = await GrainFactory.GetGrain<ITenantGrain>(tenant).GetConfigAsync();
        if (config is null)
        {
            // The tenant is gone: nothing to keep a schedule for.
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _scheduled = false;
            return 0;
        }

        if (ContactRetention.Cutoff(config.Settings.RetentionMonths, time.GetUtcNow()) is not { } cutoff)
        {
            return 0;
        }

        var cutoffDay = ContactRetention.Day(cutoff);
        var visited = 0;
        for (var shard = 0; shard < ContactRoster.Shards; shard++)
        {
            visited += await GrainFactory.GetGrain<IContactRosterGrain>(ContactRoster.ShardKey(tenant, shard)).SweepAsync(cutoffDay);
        }

        LogSwept(logger, tenant, visited);
        return visited;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Tenant}: retention sweep visited {Visited} contact(s)")]
    private static partial void LogSwept(ILogger logger, string tenant, int visited);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {Tenant}: retention sweep failed; the next daily one tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception ex, string tenant);
}
