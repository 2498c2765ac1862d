using System.Globalization;
using System.Text.Json;
using Relay.Contacts;
using Relay.Leads;

namespace Relay.Feed;

/// <summary>Raising a contact's feed events: numbered in the contact's state and stored with it, sent to the feed by the drain.</summary>
public static class FeedEvents
{
    /// <summary>
    /// Adds an event to the contact's pending feed events, numbered after the last one. The caller writes the state; the
    /// drain (<see cref="PendingWork.FeedEvents"/>) stores it in the tenant's feed.
    /// </summary>
    public static FeedEvent Raise(ContactState s, string contactId, string type, DateTimeOffset at, FeedEventData data)
    {
        ArgumentNullException.ThrowIfNull(s);
        var e = new FeedEvent($"{contactId}:{++s.FeedEventCount}", type, contactId, at, data);
        s.PendingFeedEvents.Add(e);
        return e;
    }

    /// <summary>The data of an action's event: where it came from, and the person it was for.</summary>
    public static FeedEventData ForAction(OutboxItem item, int? personId, int? crmObjectId = null, string? errorType = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new FeedEventData(
            PersonId: personId, TriggerId: item.TriggerId, AutomationId: item.AutomationId, ActionIndex: item.ActionIndex,
            ActionKind: JsonNamingPolicy.CamelCase.ConvertName(item.Action.Kind.ToString()), CrmObjectId: crmObjectId, ErrorType: errorType);
    }

    /// <summary>Who decided, without a name: the SuperOffice associate id, or <c>relay</c> for Relay's own decisions (expiry).</summary>
    public static string? By(SalesUser by)
    {
        ArgumentNullException.ThrowIfNull(by);
        return by.AssociateId is { } associate ? associate.ToString(CultureInfo.InvariantCulture) : by == SalesUser.Relay ? "relay" : null;
    }
}
