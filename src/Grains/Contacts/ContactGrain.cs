using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;
using Relay.Crm;
using Relay.Leads;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Contacts;

/// <inheritdoc cref="IContactGrain"/>
/// <remarks>
/// Not reentrant: one contact's triggers and outbox work happen one at a time, in arrival order. A
/// trigger is acknowledged only after its timeline entry and actions are written, so a crash loses
/// nothing; CRM calls happen later, from a timer, so a slow CRM never holds up the stream.
/// </remarks>
[ImplicitStreamSubscription(RelayStorage.TriggerStreamNamespace)]
public sealed partial class ContactGrain(
    [PersistentState("contact", RelayStorage.Name)] IPersistentState<ContactState> state,
    ICrm crm,
    ActionExecutor executor,
    TimeProvider time,
    ILogger<ContactGrain> logger) : Grain, IContactGrain, IStreamSubscriptionObserver, IAsyncObserver<TriggerEnvelope>
{
    private string _tenantId = "";
    private string _contactId = "";
    private IGrainTimer? _drainTimer;

    private ContactState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenantId, _contactId) = ContactKey.Parse(this.GetPrimaryKeyString());
        if (S.Outbox.Count > 0 || S.LeadIndexDirty)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    Task IStreamSubscriptionObserver.OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<TriggerEnvelope>().ResumeAsync(this);

    async Task IAsyncObserver<TriggerEnvelope>.OnNextAsync(TriggerEnvelope item, StreamSequenceToken? token)
    {
        var config = await TenantConfigAsync();
        if (config is null)
        {
            LogTenantGone(logger, _tenantId, item.Trigger.Id);
            return;
        }

        var disposition = ContactDecisions.Accept(S, item.Trigger, config, time.GetUtcNow());
        if (disposition == TriggerDisposition.Duplicate)
        {
            return;
        }

        await state.WriteStateAsync(CancellationToken.None);
        if (disposition == TriggerDisposition.ActionsQueued || S.LeadIndexDirty)
        {
            ScheduleDrain(TimeSpan.Zero);
        }
    }

    Task IAsyncObserver<TriggerEnvelope>.OnCompletedAsync() => Task.CompletedTask;

    Task IAsyncObserver<TriggerEnvelope>.OnErrorAsync(Exception ex) => Task.CompletedTask;

    Task<ContactView?> IContactGrain.GetViewAsync(int timelineSkip, int timelineTake)
    {
        if (S.FirstSeen is null)
        {
            return Task.FromResult<ContactView?>(null);
        }

        var total = S.Timeline.Count;
        timelineSkip = Math.Clamp(timelineSkip, 0, total);
        timelineTake = Math.Clamp(timelineTake, 0, total - timelineSkip);
        var newestFirst = Enumerable.Range(0, timelineTake).Select(i => S.Timeline[total - 1 - timelineSkip - i]).ToImmutableArray();
        var status = (S.Link, S.Lead) switch
        {
            (_, { Reason: LeadReason.Ambiguous }) => ContactStatus.AmbiguousLead,
            (_, { Reason: LeadReason.New }) => ContactStatus.NewLead,
            ({ }, null) => ContactStatus.Linked,
            _ => ContactStatus.Unresolved,
        };
        return Task.FromResult<ContactView?>(new ContactView(
            _tenantId, _contactId, status, S.Fields, S.Link, S.Lead, total, newestFirst,
            [.. S.Outbox], [.. S.Parked], [.. S.Outcomes], S.FirstSeen, S.LastSeen, S.DuplicatesDropped));
    }

    private Task<TenantConfig?> TenantConfigAsync() => GrainFactory.GetGrain<ITenantGrain>(_tenantId).GetConfigAsync();

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

    /// <summary>Resolves the person if needed, then performs due actions in order until one must wait.</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var config = await TenantConfigAsync();
        if (config is null)
        {
            return;
        }

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (S.NeedsResolution)
                {
                    await ResolvePersonAsync(config, cancellationToken);
                    await state.WriteStateAsync(CancellationToken.None);
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

                try
                {
                    var created = await executor.ExecuteAsync(config, _contactId, S.Link!, item, cancellationToken);
                    ContactDecisions.Succeeded(S, item, created, time.GetUtcNow());
                }
                catch (CrmException ex) when (ex.Kind == CrmErrorKind.Permanent)
                {
                    LogParked(logger, ex, item.Key, GrainKey, ex.ErrorType);
                    ContactDecisions.Park(S, item, ex, time.GetUtcNow());
                }
                catch (CrmException ex)
                {
                    var delay = ContactDecisions.FailedTransiently(S, item, ex, time.GetUtcNow(), Random.Shared.NextDouble());
                    LogRetrying(logger, item.Key, GrainKey, ex.ErrorType, delay);
                    ScheduleDrain(delay);
                    await state.WriteStateAsync(CancellationToken.None);
                    break;
                }

                await state.WriteStateAsync(CancellationToken.None);
            }
        }
        catch (CrmException ex)
        {
            // The person lookup failed; the actions stay queued and the lookup is tried again.
            var delay = ContactDecisions.Backoff(2, Random.Shared.NextDouble());
            LogResolutionFailed(logger, ex, GrainKey, delay);
            ScheduleDrain(delay);
        }
        finally
        {
            await SyncLeadIndexAsync();
        }
    }

    private string GrainKey => this.GetPrimaryKeyString();

    private async Task ResolvePersonAsync(TenantConfig config, CancellationToken cancellationToken)
    {
        var connection = config.Connection;
        var now = time.GetUtcNow();
        if (S.GivenPersonId is { } given && S.Link?.PersonId != given)
        {
            if (await crm.GetPersonAsync(connection, given, cancellationToken) is { } person)
            {
                ContactDecisions.LinkTo(S, person, LinkSource.GivenPersonId, now);
                return;
            }

            LogGivenPersonMissing(logger, GrainKey, given);
            S.GivenPersonId = null;
            if (S.Link is not null)
            {
                return;
            }
        }

        var email = S.Fields?.Email;
        var matches = string.IsNullOrEmpty(email) ? [] : await crm.FindPersonsByEmailAsync(connection, email, cancellationToken);
        var resolution = ContactDecisions.Resolve(matches);
        if (resolution is PersonResolution.Link link)
        {
            var person = await crm.GetPersonAsync(connection, link.Person.PersonId, cancellationToken)
                ?? new CrmPerson(link.Person.PersonId, null, null, email, link.Person.CompanyId, link.Person.CompanyName, null);
            ContactDecisions.LinkTo(S, person, LinkSource.EmailMatch, now);
        }
        else
        {
            ContactDecisions.BecomeLead(S, resolution, now);
        }
    }

    private async Task SyncLeadIndexAsync()
    {
        if (!S.LeadIndexDirty)
        {
            return;
        }

        try
        {
            var index = GrainFactory.GetGrain<ILeadIndexGrain>(_tenantId);
            if (S.Lead is { } lead)
            {
                var f = S.Fields!;
                await index.UpsertAsync(new LeadRow(
                    _contactId, f.DisplayName, f.Email, f.Company?.Name, lead.Reason, lead.Candidates, S.Outbox.Count,
                    S.FirstSeen!.Value, S.LastSeen!.Value, lead.Since));
            }
            else
            {
                await index.RemoveAsync(_contactId);
            }

            // Not written at once: a crash before the next write only repeats an idempotent update.
            S.LeadIndexDirty = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeadIndexFailed(logger, ex, GrainKey);
            ScheduleDrain(TimeSpan.FromSeconds(5));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trigger {TriggerId} dropped: tenant {TenantId} no longer exists")]
    private static partial void LogTenantGone(ILogger logger, string tenantId, string triggerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {Key} of contact {Contact} parked: {ErrorType}")]
    private static partial void LogParked(ILogger logger, Exception ex, string key, string contact, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Key} of contact {Contact} failed ({ErrorType}); next attempt in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string key, string contact, string errorType, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Person lookup for contact {Contact} failed; next attempt in {Delay}")]
    private static partial void LogResolutionFailed(ILogger logger, Exception ex, string contact, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {Contact}: the given person {PersonId} does not exist in SuperOffice; looking up by e-mail")]
    private static partial void LogGivenPersonMissing(ILogger logger, string contact, int personId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead index update for contact {Contact} failed; retrying")]
    private static partial void LogLeadIndexFailed(ILogger logger, Exception ex, string contact);
}
