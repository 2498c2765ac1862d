using Relay.Contacts;

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
}
