using Microsoft.Extensions.Logging;
using Relay.Events;
using Relay.Leads;
using Relay.Timeline;

namespace Relay.Contacts;

/// <summary>
/// Keeping the tenant's indexes in step: the lead index, the person and company link indexes, and the
/// event details of created objects. The contact's own state is the truth; each index update is
/// idempotent and flagged in that state until it has been made, so a failure or crash only repeats it.
/// </summary>
public sealed partial class ContactGrain
{
    private bool IndexesDirty => S.LeadIndexDirty || S.LinkIndexDirty || S.PendingEventDetails.Count > 0;

    private async Task SyncIndexesAsync()
    {
        if (!IndexesDirty)
        {
            return;
        }

        try
        {
            if (S.LeadIndexDirty)
            {
                await SyncLeadIndexAsync();
                S.LeadIndexDirty = false;
            }

            if (S.LinkIndexDirty)
            {
                await SyncLinkIndexesAsync();
                S.IndexedLink = S.Link;
                S.LinkIndexDirty = false;
            }

            while (S.PendingEventDetails.Count > 0)
            {
                var details = S.PendingEventDetails[0];
                await PutEventDetailsAsync(details);
                S.PendingEventDetails.RemoveAt(0);
            }

            await state.WriteStateAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogIndexFailed(logger, ex, GrainKey);
            ScheduleDrain(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>
    /// Records what a create made for the Event details panel; when its grain cannot be reached the details wait in
    /// the state (<see cref="ContactState.PendingEventDetails"/>) and the index sync tries again.
    /// </summary>
    private async Task RecordEventDetailsAsync(EventDetails details)
    {
        if (S.PendingEventDetails.Count == 0)
        {
            try
            {
                await PutEventDetailsAsync(details);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogIndexFailed(logger, ex, GrainKey);
            }
        }

        S.PendingEventDetails.Add(details);
    }

    private Task PutEventDetailsAsync(EventDetails details) =>
        GrainFactory.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(_tenantId, details.ObjectKind, details.ObjectId)).PutAsync(details);

    private Task SyncLeadIndexAsync()
    {
        var index = LeadIndex.ShardOf(GrainFactory, _tenantId, _contactId);
        if (S.Lead is not { } lead)
        {
            return index.RemoveAsync(_contactId);
        }

        var f = S.Fields!;
        return index.UpsertAsync(new LeadRow(
            _contactId, f.DisplayName, f.Email, f.Company?.Name, lead.Reason, lead.Candidates, S.Outbox.Count,
            S.FirstSeen!.Value, S.LastSeen!.Value, lead.Since));
    }

    private async Task SyncLinkIndexesAsync()
    {
        var before = S.IndexedLink;
        var now = S.Link;
        if (before is not null && before.PersonId != now?.PersonId)
        {
            await GrainFactory.GetGrain<IPersonContactsGrain>(LinkIndexKey.Of(_tenantId, before.PersonId)).SetAsync(_contactId, linked: false);
        }

        // A person who moved company leaves the old company's index; a contact that moved to another
        // person leaves the old person at its company, where it still is.
        if (before?.CompanyId is { } oldCompany && now is not null && before.PersonId == now.PersonId && oldCompany != now.CompanyId)
        {
            await GrainFactory.GetGrain<ICompanyPersonsGrain>(LinkIndexKey.Of(_tenantId, oldCompany)).SetAsync(before.PersonId, linked: false);
        }

        if (now is not null)
        {
            await GrainFactory.GetGrain<IPersonContactsGrain>(LinkIndexKey.Of(_tenantId, now.PersonId)).SetAsync(_contactId, linked: true);
            if (now.CompanyId is { } company)
            {
                await GrainFactory.GetGrain<ICompanyPersonsGrain>(LinkIndexKey.Of(_tenantId, company)).SetAsync(now.PersonId, linked: true);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index update for contact {Contact} failed; retrying")]
    private static partial void LogIndexFailed(ILogger logger, Exception ex, string contact);
}
