namespace Relay.Feed;

/// <summary>
/// One thing that happened to a contact that eMarketeer should learn: a lead decision, an action's outcome, a consent
/// change SuperOffice made, an erasure. Events carry ids, never personal data (no names, e-mails or phones), so the feed
/// may keep them after the contact is erased. <see cref="Id"/> is the contact's own event number
/// (<c>{contactId}:{n}</c>): a contact that raises the same event again after a crash raises it with the same id, and the
/// feed keeps it once.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.feed-event")]
public sealed record FeedEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string ContactId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] FeedEventData Data);

/// <summary>What an event says beyond its type; only the members its type uses are set.</summary>
[GenerateSerializer, Immutable, Alias("relay.feed-event-data")]
public sealed record FeedEventData(
    [property: Id(0)] int? PersonId = null,
    [property: Id(1)] int? CompanyId = null,
    [property: Id(2)] string? TriggerId = null,
    [property: Id(3)] string? AutomationId = null,
    [property: Id(4)] int? ActionIndex = null,
    [property: Id(5)] string? ActionKind = null,
    [property: Id(6)] int? CrmObjectId = null,
    [property: Id(7)] string? ErrorType = null,
    [property: Id(8)] string? Purpose = null,
    [property: Id(9)] string? LegalBasis = null,
    [property: Id(10)] int? Actions = null,
    [property: Id(11)] string? By = null,
    [property: Id(12)] bool? Granted = null);

/// <summary>The feed's event types, as the API and the webhook name them.</summary>
public static class FeedEventTypes
{
    public const string LeadApproved = "lead.approved";
    public const string LeadLinked = "lead.linked";
    public const string LeadDismissed = "lead.dismissed";
    public const string LeadExpired = "lead.expired";
    public const string ActionSucceeded = "action.succeeded";
    public const string ActionParked = "action.parked";
    public const string ActionDeadLettered = "action.deadLettered";
    public const string ConsentChanged = "consent.changed";
    public const string ContactErased = "contact.erased";

    /// <summary>Every type, in the order README lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [LeadApproved, LeadLinked, LeadDismissed, LeadExpired, ActionSucceeded, ActionParked, ActionDeadLettered, ConsentChanged, ContactErased];
}
