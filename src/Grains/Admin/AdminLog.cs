using Orleans.Runtime;
using Relay.Hosting;

namespace Relay.Admin;

/// <summary>
/// What people did to a tenant through the console or the admin API — automations created, changed and deleted,
/// settings changed, parked actions and dead letters replayed or discarded — with who, when, and before/after.
/// Key: the tenant id.
/// </summary>
[Alias("relay.IAdminLogGrain")]
public interface IAdminLogGrain : IGrainWithStringKey
{
    /// <summary>Records one change; the entry gets its sequence number and time here.</summary>
    [Alias("Record")]
    Task<AdminLogEntry> RecordAsync(AdminChange change);

    /// <summary>Records several changes made at once (a whole list replaced), in order, with one write.</summary>
    [Alias("RecordMany")]
    Task RecordManyAsync(ImmutableArray<AdminChange> changes);

    /// <summary>The newest entries first, optionally only those of one <paramref name="area"/> and <paramref name="subject"/>.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<AdminLogPage> GetAsync(string? area, string? subject, int skip, int take);

    /// <summary>
    /// Drops what entries about the contact's parked actions recorded of them (the contact was erased: an error text may
    /// quote it); who did what, and when, stays. Repeating it changes nothing.
    /// </summary>
    [Alias("EraseContact")]
    Task EraseContactAsync(string contactId);
}

/// <summary>The areas of the admin log.</summary>
public static class AdminAreas
{
    /// <summary>An automation: <see cref="AdminChange.Subject"/> is its id.</summary>
    public const string Automation = "automation";

    /// <summary>The tenant's settings.</summary>
    public const string Tenant = "tenant";

    /// <summary>A parked action: the subject is <c>{contactId}/{key}</c>, or the error type for many.</summary>
    public const string Parked = "parked";

    /// <summary>A dead letter: the subject is its id, or the error type for many.</summary>
    public const string DeadLetter = "dead-letter";

    /// <summary>A contact: the subject is its id (an erasure).</summary>
    public const string Contact = "contact";
}

/// <summary>
/// One change as a caller reports it. <see cref="Before"/> and <see cref="After"/> are JSON (with secrets left
/// out), null where there was nothing before or is nothing after.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.admin-change")]
public sealed record AdminChange(
    [property: Id(0)] string Area,
    [property: Id(1)] string Subject,
    [property: Id(2)] string Action,
    [property: Id(3)] string Who,
    [property: Id(4)] string? Before = null,
    [property: Id(5)] string? After = null,
    [property: Id(6)] string? Detail = null);

/// <summary>A recorded change: its sequence number in the tenant's log and when it was recorded.</summary>
[GenerateSerializer, Immutable, Alias("relay.admin-log-entry")]
public sealed record AdminLogEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] AdminChange Change);

/// <summary>A page of the log, newest first; <see cref="Total"/> counts the entries that match.</summary>
[GenerateSerializer, Immutable, Alias("relay.admin-log-page")]
public sealed record AdminLogPage(
    [property: Id(0)] int Total,
    [property: Id(1)] ImmutableArray<AdminLogEntry> Entries);

/// <inheritdoc cref="IAdminLogGrain"/>
/// <remarks>
/// Keeps the newest <see cref="Capacity"/> entries per tenant; older ones are dropped. A before or after longer than
/// <see cref="MaxRecordLength"/> characters is kept as <c>{"truncated":true,"length":…}</c>, so one change cannot make
/// the log, which is written whole with every change, grow without bound.
/// </remarks>
public sealed class AdminLogGrain(
    [PersistentState("admin-log", RelayStorage.Large)] IPersistentState<AdminLogState> state,
    RelayClock time) : Grain, IAdminLogGrain
{
    /// <summary>How many entries a tenant's log keeps.</summary>
    public const int Capacity = 2000;

    /// <summary>The longest before or after kept as it is.</summary>
    public const int MaxRecordLength = 64 * 1024;

    async Task<AdminLogEntry> IAdminLogGrain.RecordAsync(AdminChange change)
    {
        var entry = Add(change);
        await state.WriteStateAsync();
        return entry;
    }

    async Task IAdminLogGrain.RecordManyAsync(ImmutableArray<AdminChange> changes)
    {
        foreach (var change in changes)
        {
            Add(change);
        }

        await state.WriteStateAsync();
    }

    private AdminLogEntry Add(AdminChange change)
    {
        var entry = new AdminLogEntry(state.State.NextSequence + 1, time.GetUtcNow(), change with { Before = Bounded(change.Before), After = Bounded(change.After) });
        state.State.Entries.Add(entry);
        if (state.State.Entries.Count > Capacity)
        {
            state.State.Entries.RemoveRange(0, state.State.Entries.Count - Capacity);
        }

        state.State.NextSequence = entry.Sequence;
        return entry;
    }

    async Task IAdminLogGrain.EraseContactAsync(string contactId)
    {
        var changed = false;
        var entries = state.State.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var change = entries[i].Change;
            if (change.Area == AdminAreas.Parked && change.Subject.StartsWith(contactId + "/", StringComparison.Ordinal) && (change.Before ?? change.After) is not null)
            {
                entries[i] = entries[i] with { Change = change with { Before = null, After = null } };
                changed = true;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    private static string? Bounded(string? record) =>
        record is { Length: > MaxRecordLength } ? $"{{\"truncated\":true,\"length\":{record.Length}}}" : record;

    Task<AdminLogPage> IAdminLogGrain.GetAsync(string? area, string? subject, int skip, int take)
    {
        var matching = state.State.Entries
            .Where(e => (area is null || e.Change.Area == area) && (subject is null || e.Change.Subject == subject))
            .Reverse()
            .ToList();
        return Task.FromResult(new AdminLogPage(matching.Count, [.. matching.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 0, 500))]));
    }
}

/// <summary>What an admin log grain stores, oldest first.</summary>
[GenerateSerializer, Alias("relay.admin-log-state")]
public sealed class AdminLogState
{
    /// <summary>The entries kept, oldest first.</summary>
    [Id(0)]
    public List<AdminLogEntry> Entries { get; set; } = [];

    /// <summary>The sequence number of the newest entry ever recorded.</summary>
    [Id(1)]
    public long NextSequence { get; set; }
}
