using Microsoft.Extensions.Logging;
using Relay.Crm;
using Relay.Events;
using Relay.Feed;
using Relay.Leads;
using Relay.Tenants;

namespace Relay.Contacts;

/// <summary>The outbox: resolving the contact's person, and performing one action with its outcome, for the drain.</summary>
public sealed partial class ContactGrain
{
    /// <summary>Performs one action and records its outcome; false when the drain must wait.</summary>
    private async Task<bool> PerformAsync(TenantConfig config, OutboxItem item, CancellationToken cancellationToken)
    {
        var link = S.Link!;
        var attempt = item; // as the executor must see it: uncertain only when an earlier attempt may have committed
        if (item.Action.Kind is ActionKind.CreateSale or ActionKind.CreateTask or ActionKind.NotifySalesRep && !item.OutcomeUncertain)
        {
            // Durably before the create goes out: should this activation die mid-call, the next looks first.
            item = ContactDecisions.MarkSent(S, item);
            await WriteStateAsync();
        }
        else if (_outcomeUnwritten)
        {
            // No CRM call without a write since the last one: a write is what stops an activation that another one
            // has replaced (its ETag is refused), so a stale activation makes at most one call after it was replaced.
            await WriteStateAsync();
        }

        try
        {
            var created = await executor.ExecuteAsync(config, _contactId, link, attempt, cancellationToken);
            var now = time.GetUtcNow();
            ContactDecisions.Succeeded(S, item, created, now);
            FeedEvents.Raise(S, _contactId, FeedEventTypes.ActionSucceeded, now, FeedEvents.ForAction(item, link.PersonId, crmObjectId: created));
            SetOperations.DropSettled(S, now);
            metrics.Action(item.Action.Kind, "succeeded");
            metrics.Committed(now - item.OccurredAt);
            if (created is { } id && item.Action.Kind is ActionKind.CreateSale or ActionKind.CreateTask or ActionKind.NotifySalesRep)
            {
                // Recorded before the outcome is written, so that one write holds both; should this activation die in
                // between, the next attempt finds the object by its reference and records the same details again.
                await _indexes.RecordEventDetailsAsync(S, new EventDetails(
                    item.Action.Kind == ActionKind.CreateSale ? CrmObjectKind.Sale : CrmObjectKind.Appointment, id, item.Action.Kind,
                    item.TriggerId, item.TriggerType, item.OccurredAt, item.AutomationId,
                    config.Automations.FirstOrDefault(a => a.Id == item.AutomationId)?.Name, item.Content, item.LinkUrl,
                    _contactId, S.Fields?.DisplayName ?? _contactId, link.PersonId, now, item.Key, item.EventName));
            }
        }
        catch (CrmException ex) when (ex.Kind == CrmErrorKind.Permanent)
        {
            LogParked(logger, ex, item.Key, GrainKey, ex.ErrorType);
            var parkedAt = time.GetUtcNow();
            ContactDecisions.Park(S, item, ex, parkedAt);
            FeedEvents.Raise(S, _contactId, FeedEventTypes.ActionParked, parkedAt, FeedEvents.ForAction(item, link.PersonId, errorType: ex.ErrorType));
            metrics.Action(item.Action.Kind, "parked");
        }
        catch (CrmException ex) when (ex.RetryAfter is { } retryAfter)
        {
            // The CRM is resting (open circuit) or the budget is busy: wait as told; it was no attempt of this action.
            ScheduleDrain(ContactDecisions.WaitForCrm(S, item, ex, retryAfter, time.GetUtcNow(), Random.Shared.NextDouble()));
            return false;
        }
        catch (CrmException ex)
        {
            var now = time.GetUtcNow();
            var delay = ContactDecisions.FailedTransiently(S, item, ex, now, Random.Shared.NextDouble(), retry.Value.MaxBackoff);
            if (ex.Kind == CrmErrorKind.Uncertain && SetOperations.Fence(S, item, now, retry.Value.SetOperationSettle) is { } fence)
            {
                LogFenced(logger, item.Key, GrainKey, fence.Scope, fence.Until);
            }

            LogRetrying(logger, item.Key, GrainKey, ex.ErrorType, delay);
            metrics.Action(item.Action.Kind, "retry");
            ScheduleDrain(delay);
            await WriteStateAsync();
            return false;
        }

        // Written before the next action goes out (with a create's "sent" mark), or when the drain stops: one write
        // per action in a backlog.
        _outcomeUnwritten = true;
        return true;
    }

    private async Task ResolvePersonAsync(TenantConfig config, CancellationToken cancellationToken)
    {
        var found = await PersonLookup.FindAsync(crm, config.Connection, S, cancellationToken);
        if (found.MissingGivenPersonId is { } missing)
        {
            LogGivenPersonMissing(logger, GrainKey, missing);
        }

        if (ContactDecisions.ApplyLookup(S, found, config, time.GetUtcNow()) is { } lead)
        {
            metrics.LeadCreated(lead is PersonResolution.AmbiguousLead ? "ambiguous" : "new");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {Key} of contact {Contact} parked: {ErrorType}")]
    private static partial void LogParked(ILogger logger, Exception ex, string key, string contact, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Key} of contact {Contact} may still be committed late; other changes of {Scope} wait until {Until}")]
    private static partial void LogFenced(ILogger logger, string key, string contact, string scope, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Action {Key} of contact {Contact} failed ({ErrorType}); next attempt in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string key, string contact, string errorType, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {Contact}: the given person {PersonId} does not exist in SuperOffice; looking up by e-mail")]
    private static partial void LogGivenPersonMissing(ILogger logger, string contact, int personId);
}
