using Microsoft.Extensions.Logging;
using Relay.Crm;
using Relay.Events;
using Relay.Feed;
using Relay.Leads;
using Relay.Timeline;

namespace Relay.Contacts;

/// <summary>
/// Keeps the tenant's indexes in step with one contact: the lead index, the person and company link indexes, the
/// parked-actions index and the event details of created objects. The contact's state is the truth; each update is
/// idempotent and flagged in that state (<see cref="PendingWork.Indexes"/>) until it has been made, so a failure or a
/// crash only repeats it. The contact grain writes its state; this class only calls the index grains.
/// </summary>
internal sealed partial class ContactIndexes(IGrainFactory grains, string tenantId, string contactId, ILogger logger)
{
    /// <summary>Makes every flagged index update, each on its own; what failed stays flagged. Returns the index work left.</summary>
    public async Task<PendingWork> SyncAsync(ContactState s)
    {
        await TryAsync(s, PendingWork.LeadIndex, async () =>
        {
            await SyncLeadIndexAsync(s);
            s.LeadIndexDirty = false;
        });
        await TryAsync(s, PendingWork.LinkIndex, async () =>
        {
            await SyncLinkIndexesAsync(s.IndexedLink, s.Link);
            s.IndexedLink = s.Link;
            s.LinkIndexDirty = false;
        });
        await TryAsync(s, PendingWork.EventDetails, async () =>
        {
            while (s.PendingEventDetails.Count > 0)
            {
                await PutEventDetailsAsync(s.PendingEventDetails[0]);
                s.PendingEventDetails.RemoveAt(0);
            }
        });
        await TryAsync(s, PendingWork.ParkedIndex, async () =>
        {
            await grains.GetGrain<IParkedIndexGrain>(tenantId).SetAsync(contactId, [.. s.Parked.Select(p =>
                new ParkedAction(contactId, p.Key, p.TriggerId, p.AutomationId, p.Action.Kind, p.LastErrorType ?? "Unknown", p.LastError, p.Attempts))]);
            s.ParkedIndexDirty = false;
        });
        await TryAsync(s, PendingWork.FeedEvents, async () =>
        {
            // The feed skips ids it holds, so a repeat after a crash stores each event once.
            await grains.GetGrain<IEventFeedGrain>(tenantId).AppendAsync([.. s.PendingFeedEvents]);
            s.PendingFeedEvents.Clear();
        });
        return s.Pending & PendingWork.Indexes;
    }

    /// <summary>
    /// Records what a create made for the Event details panel; when its grain cannot be reached (or earlier details still
    /// wait) the details wait in the state (<see cref="ContactState.PendingEventDetails"/>), in order, for <see cref="SyncAsync"/>.
    /// </summary>
    public async Task RecordEventDetailsAsync(ContactState s, EventDetails details)
    {
        // Kept so that an erasure finds every object whose details name the contact.
        var created = new CrmCreatedObject(details.ObjectKind, details.ObjectId);
        if (!s.CreatedObjects.Contains(created))
        {
            s.CreatedObjects.Add(created);
            await ArchiveCreatedObjectsAsync(s);
        }

        if (s.PendingEventDetails.Count == 0)
        {
            try
            {
                await PutEventDetailsAsync(details);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogIndexFailed(logger, ex, ContactKey.Of(tenantId, contactId), PendingWork.EventDetails);
            }
        }

        s.PendingEventDetails.Add(details);
    }

    /// <summary>
    /// Moves the oldest page of created objects to its page grain once two pages' worth are held; the state is written by
    /// the caller's next write. Should the page be stored and that write not happen, the same page is stored again later.
    /// </summary>
    private async Task ArchiveCreatedObjectsAsync(ContactState s)
    {
        var page = ContactDecisions.CreatedObjectPageDue(s);
        if (page.IsEmpty)
        {
            return;
        }

        try
        {
            await grains.GetGrain<ICreatedObjectPageGrain>(CreatedObjectPageKey.Of(tenantId, contactId, s.CreatedObjectPages)).PutAsync(page);
            ContactDecisions.CreatedObjectPageArchived(s);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept in the state; archived with a later create.
            LogIndexFailed(logger, ex, ContactKey.Of(tenantId, contactId), PendingWork.EventDetails);
        }
    }

    private async Task TryAsync(ContactState s, PendingWork index, Func<Task> update)
    {
        if ((s.Pending & index) == PendingWork.None)
        {
            return;
        }

        try
        {
            await update();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogIndexFailed(logger, ex, ContactKey.Of(tenantId, contactId), index);
        }
    }

    private Task PutEventDetailsAsync(EventDetails details) =>
        grains.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(tenantId, details.ObjectKind, details.ObjectId)).PutAsync(details);

    private Task SyncLeadIndexAsync(ContactState s)
    {
        var index = LeadIndex.ShardOf(grains, tenantId, contactId);
        if (s.Lead is not { } lead)
        {
            return index.RemoveAsync(contactId);
        }

        var f = s.Fields!;
        return index.UpsertAsync(new LeadRow(
            contactId, f.DisplayName, f.Email, f.Company?.Name, lead.Reason, lead.Candidates, s.Outbox.Count,
            s.FirstSeen!.Value, s.LastSeen!.Value, lead.Since));
    }

    private async Task SyncLinkIndexesAsync(PersonLink? before, PersonLink? now)
    {
        if (before is not null && before.PersonId != now?.PersonId)
        {
            await grains.GetGrain<IPersonContactsGrain>(LinkIndexKey.Of(tenantId, before.PersonId)).SetAsync(contactId, linked: false);
        }

        // A person who moved company leaves the old company's index; a contact that moved to another
        // person leaves the old person at its company, where it still is.
        if (before?.CompanyId is { } oldCompany && now is not null && before.PersonId == now.PersonId && oldCompany != now.CompanyId)
        {
            await grains.GetGrain<ICompanyPersonsGrain>(LinkIndexKey.Of(tenantId, oldCompany)).SetAsync(before.PersonId, linked: false);
        }

        if (now is not null)
        {
            await grains.GetGrain<IPersonContactsGrain>(LinkIndexKey.Of(tenantId, now.PersonId)).SetAsync(contactId, linked: true);
            if (now.CompanyId is { } company)
            {
                await grains.GetGrain<ICompanyPersonsGrain>(LinkIndexKey.Of(tenantId, company)).SetAsync(now.PersonId, linked: true);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index update ({Index}) for contact {Contact} failed; retrying")]
    private static partial void LogIndexFailed(ILogger logger, Exception ex, string contact, PendingWork index);
}
