using Microsoft.Extensions.Logging;
using Relay.Contacts;
using Relay.Crm;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Consent;

/// <summary>
/// Compares a Services88 tenant's consent records with SuperOffice's (<c>GetConsentInfos</c>) on a reminder and on
/// demand; the latest change wins and every difference is kept as a visible conflict. Key: the tenant id.
/// </summary>
[Alias("relay.IConsentReconcilerGrain")]
public interface IConsentReconcilerGrain : IGrainWithStringKey
{
    /// <summary>Makes sure the periodic reconciliation runs.</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Reconciles now and says what it did.</summary>
    [Alias("Reconcile")]
    Task<ConsentReconciliation> ReconcileAsync();

    /// <summary>The latest differences found, newest first, and the last run.</summary>
    [AlwaysInterleave, Alias("GetConflicts")]
    Task<ConsentConflicts> GetConflictsAsync(int take);
}

/// <summary>The latest conflicts, newest first, and the last run.</summary>
[GenerateSerializer, Immutable, Alias("relay.consent-conflicts")]
public sealed record ConsentConflicts([property: Id(0)] ImmutableArray<ConsentConflict> Conflicts, [property: Id(1)] ConsentReconciliation? LastRun);

/// <summary>The conflicts found (newest last, bounded) and the last run.</summary>
[GenerateSerializer, Alias("relay.consent-reconciler-state")]
public sealed class ConsentReconcilerState
{
    /// <summary>Conflicts, oldest first.</summary>
    [Id(0)]
    public List<ConsentConflict> Conflicts { get; set; } = [];

    /// <summary>The last run.</summary>
    [Id(1)]
    public ConsentReconciliation? LastRun { get; set; }
}

/// <inheritdoc cref="IConsentReconcilerGrain"/>
public sealed partial class ConsentReconcilerGrain(
    [PersistentState("consent-reconciler", RelayStorage.Name)] IPersistentState<ConsentReconcilerState> state,
    ICrmConsents consents,
    RelayClock time,
    ILogger<ConsentReconcilerGrain> logger) : Grain, IConsentReconcilerGrain, IRemindable
{
    /// <summary>How often a tenant is reconciled.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(15);

    private const int MaxConflicts = 1000;
    private const string ReminderName = "consent-reconcile";

    private string TenantId => this.GetPrimaryKeyString();

    async Task IConsentReconcilerGrain.EnsureScheduledAsync()
    {
        if (await this.GetReminder(ReminderName) is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, Period, Period);
        }
    }

    Task<ConsentReconciliation> IConsentReconcilerGrain.ReconcileAsync() => RunAsync();

    Task<ConsentConflicts> IConsentReconcilerGrain.GetConflictsAsync(int take) =>
        Task.FromResult(new ConsentConflicts([.. Enumerable.Reverse(state.State.Conflicts).Take(Math.Clamp(take, 0, MaxConflicts))], state.State.LastRun));

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => await RunAsync();

    private async Task<ConsentReconciliation> RunAsync()
    {
        var now = time.GetUtcNow();
        var config = await GrainFactory.GetGrain<ITenantGrain>(TenantId).GetConfigAsync();
        string? skipped = config is null ? "The tenant no longer exists."
            : !config.Connection.HasConsentOperations ? "Services75 has no consent operations; SuperOffice reads Relay's consent API instead."
            : null;
        if (skipped is not null)
        {
            return await SkipAsync(now, skipped);
        }

        var entries = await ReadLogAsync();
        int persons = 0, inSync = 0, pushed = 0, taken = 0, failed = 0;
        using (CrmCallContext.Enter(CrmPriority.Bulk))
        {
            foreach (var byPerson in entries.Where(e => e.PersonId is not null).GroupBy(e => e.PersonId!.Value))
            {
                persons++;
                IReadOnlyList<CrmConsentInfo> crm;
                try
                {
                    crm = await consents.GetConsentsAsync(config!.Connection, byPerson.Key);
                }
                catch (CrmException ex) when (ex.ErrorType == UnsupportedCrmPorts.ErrorType)
                {
                    return await SkipAsync(now, ex.Message);
                }
                catch (CrmException ex)
                {
                    failed++;
                    LogPersonFailed(logger, ex, TenantId, byPerson.Key);
                    continue;
                }

                foreach (var logged in byPerson)
                {
                    var info = crm.FirstOrDefault(i => string.Equals(i.PurposeKey, ConsentDecisions.ToCrmKey(logged.Record.Purpose), StringComparison.OrdinalIgnoreCase));
                    if (ConsentDecisions.Reconcile(logged.Record, info) == ConsentResolution.InSync)
                    {
                        inSync++;
                        continue;
                    }

                    // The log may lag the contact (it is updated after the contact's own sync): decide on the contact's
                    // current record, so that Relay's own latest change is never taken back from SuperOffice as a conflict.
                    var contact = GrainFactory.GetGrain<IContactGrain>(ContactKey.Of(TenantId, logged.ContactId));
                    var entry = (await contact.GetConsentsAsync()).FirstOrDefault(r => r.Purpose == logged.Record.Purpose) is { } current
                        ? logged with { Record = current }
                        : logged;
                    var resolution = ConsentDecisions.Reconcile(entry.Record, info);
                    if (resolution == ConsentResolution.InSync)
                    {
                        inSync++;
                        continue;
                    }

                    AddConflict(new ConsentConflict(
                        entry.ContactId, byPerson.Key, entry.Record.Purpose, entry.Record.Granted, entry.Record.LegalBasis, entry.Record.ChangedAt,
                        info is not null, info?.LegalBaseKey, info?.Updated,
                        resolution == ConsentResolution.TakeFromCrm ? ConsentOrigin.SuperOffice : ConsentOrigin.Relay, now));
                    if (resolution == ConsentResolution.TakeFromCrm)
                    {
                        await contact.ApplyCrmConsentAsync(ConsentDecisions.FromCrm(entry.Record.Purpose, info, entry.Record, now));
                        taken++;
                    }
                    else
                    {
                        await contact.ResyncConsentAsync(entry.Record.Purpose);
                        pushed++;
                    }
                }

                // Consents SuperOffice holds that Relay has no record of are taken in, for every contact of the person.
                var known = byPerson.Select(e => ConsentDecisions.ToCrmKey(e.Record.Purpose)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var info in crm.Where(i => !known.Contains(i.PurposeKey)))
                {
                    foreach (var contactId in byPerson.Select(e => e.ContactId).Distinct(StringComparer.Ordinal))
                    {
                        var purpose = ConsentDecisions.FromCrmKey(info.PurposeKey);
                        AddConflict(new ConsentConflict(contactId, byPerson.Key, purpose, null, null, null, true, info.LegalBaseKey, info.Updated, ConsentOrigin.SuperOffice, now));
                        await GrainFactory.GetGrain<IContactGrain>(ContactKey.Of(TenantId, contactId)).ApplyCrmConsentAsync(ConsentDecisions.FromCrm(purpose, info, null, now));
                        taken++;
                    }
                }
            }
        }

        return await SaveAsync(new ConsentReconciliation(now, persons, inSync, pushed, taken, failed));
    }

    /// <summary>Nothing to compare with (e.g. the tenant moved to Services75): the periodic run stops.</summary>
    private async Task<ConsentReconciliation> SkipAsync(DateTimeOffset now, string reason)
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        return await SaveAsync(new ConsentReconciliation(now, 0, 0, 0, 0, 0, reason));
    }

    private async Task<List<ConsentEntry>> ReadLogAsync()
    {
        var log = GrainFactory.GetGrain<IConsentLogGrain>(TenantId);
        var all = new List<ConsentEntry>();
        long since = 0;
        while (true)
        {
            var page = await log.GetSinceAsync(since, 1000);
            all.AddRange(page.Entries);
            since = page.Next;
            if (!page.HasMore)
            {
                return all;
            }
        }
    }

    private void AddConflict(ConsentConflict conflict)
    {
        state.State.Conflicts.Add(conflict);
        if (state.State.Conflicts.Count > MaxConflicts)
        {
            state.State.Conflicts.RemoveRange(0, state.State.Conflicts.Count - MaxConflicts);
        }
    }

    private async Task<ConsentReconciliation> SaveAsync(ConsentReconciliation run)
    {
        state.State.LastRun = run;
        await state.WriteStateAsync();
        return run;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consent reconciliation of {Tenant}: person {PersonId} could not be read")]
    private static partial void LogPersonFailed(ILogger logger, Exception ex, string tenant, int personId);
}
