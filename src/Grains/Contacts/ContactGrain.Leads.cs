using Microsoft.Extensions.Logging;
using Relay.Crm;
using Relay.Feed;
using Relay.Leads;
using Relay.Tenants;

namespace Relay.Contacts;

/// <summary>Sales' decisions about the contact as a lead: approve, link to a person, dismiss; and expiry.</summary>
public sealed partial class ContactGrain
{
    async Task<LeadDecisionResult> IContactGrain.ApproveAsync(SalesUser by, ApprovalChoice? choice)
    {
        if (Undecidable() is { } answer)
        {
            return answer;
        }

        var config = (await TenantConfigAsync())!;
        var connection = config.Connection;
        try
        {
            // Until a create went out, the newest choice holds; after that the first one does, so nothing is made twice.
            if (S.Approval is not { AnyCreateSent: true } && await StartApprovalAsync(connection, by, choice ?? ApprovalChoice.Default) is { } refused)
            {
                return refused;
            }

            var fields = S.Approval!.Fields ?? S.Fields!;
            if (await ChooseCompanyAsync(config, fields) is { } unclear)
            {
                return unclear;
            }

            var person = await FindPersonFromEarlierAttemptAsync(connection, fields) ?? await CreatePersonAsync(connection, fields);
            var decision = new LeadDecisionRecord(LeadDecisionKind.Approved, S.Approval.By, time.GetUtcNow(), person.PersonId, person.CompanyId, S.Outbox.Count);
            return await LinkAndReplayAsync(config, person, LinkSource.Approved, decision, $"Created {fields.DisplayName} in SuperOffice");
        }
        catch (CrmException ex)
        {
            LogDecisionFailed(logger, ex, GrainKey, "approve");
            await state.WriteStateAsync(CancellationToken.None);
            return ex.Kind == CrmErrorKind.Permanent
                ? new LeadDecisionResult(LeadDecisionStatus.Refused, $"SuperOffice refused the new person ({ex.Message}). Change what you chose and approve again.")
                : new LeadDecisionResult(LeadDecisionStatus.Failed, $"SuperOffice did not accept the new person ({ex.Message}). Nothing was lost; try again.");
        }
    }

    async Task<LeadDecisionResult> IContactGrain.LinkToPersonAsync(int personId, SalesUser by)
    {
        if (Undecidable() is { } answer)
        {
            return answer;
        }

        var config = (await TenantConfigAsync())!;
        try
        {
            if (await crm.GetPersonAsync(config.Connection, personId) is not { } person)
            {
                return new LeadDecisionResult(LeadDecisionStatus.Refused, $"SuperOffice has no person {personId}.");
            }

            var decision = new LeadDecisionRecord(LeadDecisionKind.Linked, by, time.GetUtcNow(), person.PersonId, person.CompanyId, S.Outbox.Count);
            var name = $"{person.FirstName} {person.LastName}".Trim();
            return await LinkAndReplayAsync(config, person, LinkSource.ChosenBySales, decision, $"Linked to {(name.Length > 0 ? name : $"person {personId}")}");
        }
        catch (CrmException ex)
        {
            LogDecisionFailed(logger, ex, GrainKey, "link");
            return new LeadDecisionResult(LeadDecisionStatus.Failed, $"SuperOffice did not answer ({ex.Message}). Nothing changed; try again.");
        }
    }

    async Task<LeadDecisionResult> IContactGrain.DismissAsync(SalesUser by)
    {
        if (Undecidable() is { } answer)
        {
            return answer;
        }

        var dropped = DropLead(LeadDecisionKind.Dismissed, by);
        await state.WriteStateAsync(CancellationToken.None);
        await SyncIndexesAsync();
        return new LeadDecisionResult(LeadDecisionStatus.Done, $"Dismissed; {dropped} waiting action(s) dropped.");
    }

    async Task<LeadDecisionResult> IContactGrain.ExpireIfDueAsync()
    {
        if (S.Lead is not { } lead)
        {
            return new LeadDecisionResult(LeadDecisionStatus.NotALead, "Not a lead.");
        }

        var config = await TenantConfigAsync();
        if (config is null || time.GetUtcNow() < LeadAging.ExpiresAt(lead.Since, config.Settings))
        {
            return new LeadDecisionResult(LeadDecisionStatus.Refused, "The lead has not expired.");
        }

        var dropped = DropLead(LeadDecisionKind.Expired, SalesUser.Relay);
        await state.WriteStateAsync(CancellationToken.None);

        // The lead index is waiting on this call, so it is told later, from the timer, not now.
        ScheduleDrain(TimeSpan.Zero);
        return new LeadDecisionResult(LeadDecisionStatus.Done, $"Expired; {dropped} waiting action(s) dropped.");
    }

    private LeadDecisionResult? Undecidable()
    {
        if (S.Lead is not null)
        {
            return null;
        }

        return S.Decisions.LastOrDefault() is { } last && S.Link is not null
            ? new LeadDecisionResult(LeadDecisionStatus.AlreadyDecided, $"Already {last.Kind.ToString().ToLowerInvariant()} by {last.By.Name} at {last.At:yyyy-MM-dd HH:mm} UTC.", S.Link.PersonId)
            : new LeadDecisionResult(LeadDecisionStatus.NotALead, "This contact is not waiting as a lead.");
    }

    /// <summary>
    /// After a create whose answer never came, the person may exist: one that has the contact's e-mail
    /// and was not among the persons with it before the approval started is the one that attempt made.
    /// </summary>
    private async Task<CrmPerson?> FindPersonFromEarlierAttemptAsync(CrmConnection connection, Triggers.ContactFields fields)
    {
        if (S.Approval is not { PersonCreateSent: true } approval || fields.Email is not { Length: > 0 } email)
        {
            return null;
        }

        var made = (await crm.FindPersonsByEmailAsync(connection, email)).FirstOrDefault(m => !approval.PersonsBefore.Contains(m.PersonId));
        return made is null ? null : await crm.GetPersonAsync(connection, made.PersonId);
    }

    private async Task<CrmPerson> CreatePersonAsync(CrmConnection connection, Triggers.ContactFields fields)
    {
        S.Approval = S.Approval! with { PersonCreateSent = true };
        await state.WriteStateAsync(CancellationToken.None);
        try
        {
            return await crm.CreatePersonAsync(connection, new NewPerson(fields.FirstName, fields.LastName, fields.Email, fields.Phone, fields.Mobile, fields.Title, S.Approval.CompanyId));
        }
        catch (CrmException ex) when (ex.Kind == CrmErrorKind.Permanent)
        {
            // Refused, so not made: nothing is in doubt, and (unless a company was made for it) sales may choose afresh.
            S.Approval = S.Approval.CompanyCreateSent ? S.Approval with { PersonCreateSent = false } : null;
            throw;
        }
    }

    private async Task<LeadDecisionResult> LinkAndReplayAsync(TenantConfig config, CrmPerson person, LinkSource source, LeadDecisionRecord decision, string message)
    {
        // A lead stored before its waiting actions were bounded runs no more than one stored now would.
        LeadBacklog.Trim(S, config, time.GetUtcNow());
        decision = decision with { Actions = S.Outbox.Count };
        ContactDecisions.LinkTo(S, person, source, time.GetUtcNow());
        S.Approval = null;
        S.Decisions.Add(decision);
        FeedEvents.Raise(S, _contactId, decision.Kind == LeadDecisionKind.Approved ? FeedEventTypes.LeadApproved : FeedEventTypes.LeadLinked, decision.At,
            new FeedEventData(PersonId: person.PersonId, CompanyId: person.CompanyId, Actions: decision.Actions, By: FeedEvents.By(decision.By)));
        await state.WriteStateAsync(CancellationToken.None);
        await SyncIndexesAsync();
        if (S.Pending != PendingWork.None)
        {
            ScheduleDrain(TimeSpan.Zero);
        }

        return new LeadDecisionResult(LeadDecisionStatus.Done, $"{message}; {decision.Actions} waiting action(s) will run now.", person.PersonId);
    }

    private int DropLead(LeadDecisionKind kind, SalesUser by)
    {
        var now = time.GetUtcNow();
        var dropped = ContactDecisions.Dismiss(S, now);
        S.Decisions.Add(new LeadDecisionRecord(kind, by, now, null, null, dropped));
        FeedEvents.Raise(S, _contactId, kind == LeadDecisionKind.Expired ? FeedEventTypes.LeadExpired : FeedEventTypes.LeadDismissed, now,
            new FeedEventData(Actions: dropped, By: FeedEvents.By(by)));
        return dropped;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead decision '{Decision}' for contact {Contact} failed")]
    private static partial void LogDecisionFailed(ILogger logger, Exception ex, string contact, string decision);
}
