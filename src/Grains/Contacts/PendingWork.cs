namespace Relay.Contacts;

/// <summary>
/// What a contact still has to do, by kind (<see cref="ContactState.Pending"/>): the one answer to "has this contact work
/// pending?" that the trigger path, the drain and the reminder all read. Only work the contact can do now counts: a lead's
/// outbox waits for sales, and an unlinked contact has no person to sync consents to.
/// </summary>
[Flags]
public enum PendingWork
{
    /// <summary>Nothing: the contact can rest.</summary>
    None = 0,

    /// <summary>The person must be looked up.</summary>
    Resolution = 1 << 0,

    /// <summary>Actions wait in the outbox of a contact that is not a lead.</summary>
    Outbox = 1 << 1,

    /// <summary>The tenant's lead index may not show the contact's lead state.</summary>
    LeadIndex = 1 << 2,

    /// <summary>The person and company link indexes may not show the contact's link.</summary>
    LinkIndex = 1 << 3,

    /// <summary>Event details of created objects are not yet recorded in their grains.</summary>
    EventDetails = 1 << 4,

    /// <summary>The tenant's parked-actions index may not show the contact's parked actions.</summary>
    ParkedIndex = 1 << 5,

    /// <summary>The tenant's consent log may not show the contact's latest consent records.</summary>
    ConsentLog = 1 << 6,

    /// <summary>SuperOffice (Services88) must still be told a consent change of the linked person.</summary>
    ConsentSync = 1 << 7,

    /// <summary>Feed events wait to be stored in the tenant's feed.</summary>
    FeedEvents = 1 << 8,

    /// <summary>An erasure must still remove the contact from other grains (<see cref="ContactState.Erasure"/>).</summary>
    Erasure = 1 << 9,

    /// <summary>Every index a contact keeps in step (<see cref="ContactIndexes"/>).</summary>
    Indexes = LeadIndex | LinkIndex | EventDetails | ParkedIndex | FeedEvents,

    /// <summary>The consent work of the drain.</summary>
    Consents = ConsentLog | ConsentSync,
}
