using Relay.Crm;
using Relay.Events;
using Relay.Leads;
using Relay.Triggers;

namespace Relay.Contacts;

/// <summary>
/// Everything a contact grain stores, written as one unit so that the dedupe window, the timeline and
/// the outbox can never disagree after a crash.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("relay.contact-state")]
public sealed class ContactState
{
    /// <summary>The contact's latest mapped fields.</summary>
    [Id(0)]
    public ContactFields? Fields { get; set; }

    /// <summary>The SuperOffice person the contact is linked to, once known.</summary>
    [Id(1)]
    public PersonLink? Link { get; set; }

    /// <summary>Set while the contact waits for sales as a lead.</summary>
    [Id(2)]
    public LeadInfo? Lead { get; set; }

    /// <summary>
    /// The latest interactions, oldest first: fewer than two chunks' worth; older ones are archived in
    /// <see cref="TimelineChunks"/> chunk grains (<see cref="Timeline.ITimelineChunkGrain"/>).
    /// </summary>
    [Id(3)]
    public List<TimelineEntry> Timeline { get; set; } = [];

    /// <summary>How many full chunks of the oldest interactions are archived, numbered from 0 (the oldest).</summary>
    [Id(24)]
    public int TimelineChunks { get; set; }

    /// <summary>
    /// How many entries each of this contact's archived chunks holds, fixed when its first chunk is archived;
    /// 0 before that (and in states written before it was kept: their chunks hold
    /// <see cref="ContactDecisions.FirstTimelineChunkSize"/>). Read it through <see cref="ContactDecisions.ChunkSize"/>.
    /// </summary>
    [Id(25)]
    public int TimelineChunkSize { get; set; }

    /// <summary>Every interaction the contact keeps: archived (less what retention dropped) and in <see cref="Timeline"/>.</summary>
    public int TimelineTotal => ((TimelineChunks - TimelineFirstChunk) * ContactDecisions.ChunkSize(this)) - TimelineFirstChunkDropped + Timeline.Count;

    /// <summary>Actions still to be performed, in the order they must happen.</summary>
    [Id(4)]
    public List<OutboxItem> Outbox { get; set; } = [];

    /// <summary>Actions that failed permanently and wait for a replay.</summary>
    [Id(5)]
    public List<OutboxItem> Parked { get; set; } = [];

    /// <summary>The latest outcomes, oldest first, bounded by <see cref="ContactDecisions.OutcomeWindow"/>.</summary>
    [Id(6)]
    public List<ActionOutcome> Outcomes { get; set; } = [];

    /// <summary>
    /// The latest trigger ids as written before <see cref="RecentTriggerHashes"/>; moved there by the next trigger
    /// (<see cref="ContactDecisions.Accept"/>), empty after.
    /// </summary>
    [Id(7)]
    public List<string> RecentTriggerIds { get; set; } = [];

    /// <summary>
    /// The latest trigger ids as 64-bit hashes (<see cref="ContactDecisions.TriggerHash"/>), oldest first, bounded by
    /// <see cref="ContactDecisions.DedupeWindow"/>: 8 bytes each where an id took about 40, in a state written on
    /// every trigger.
    /// </summary>
    [Id(26)]
    public List<ulong> RecentTriggerHashes { get; set; } = [];

    /// <summary>"Once per contact" automations that already ran.</summary>
    [Id(8)]
    public HashSet<string> RanOnce { get; set; } = [];

    /// <summary>When the first trigger arrived; null for a contact Relay never heard of.</summary>
    [Id(9)]
    public DateTimeOffset? FirstSeen { get; set; }

    /// <summary>When the latest trigger arrived.</summary>
    [Id(10)]
    public DateTimeOffset? LastSeen { get; set; }

    /// <summary>The person id eMarketeer gave in the latest trigger that had one; checked before it is used.</summary>
    [Id(11)]
    public int? GivenPersonId { get; set; }

    /// <summary>The lead index may not show this contact's latest lead state yet.</summary>
    [Id(12)]
    public bool LeadIndexDirty { get; set; }

    /// <summary>How many redelivered triggers were dropped.</summary>
    [Id(13)]
    public long DuplicatesDropped { get; set; }

    /// <summary>An approval that started but has not linked the contact yet; makes a retry safe.</summary>
    [Id(14)]
    public ApprovalInProgress? Approval { get; set; }

    /// <summary>Who decided what about this contact as a lead, oldest first.</summary>
    [Id(15)]
    public List<LeadDecisionRecord> Decisions { get; set; } = [];

    /// <summary>The person and company indexes may not show the latest link yet.</summary>
    [Id(16)]
    public bool LinkIndexDirty { get; set; }

    /// <summary>The person the person index lists this contact under, to take it off when the link changes.</summary>
    [Id(17)]
    public PersonLink? IndexedLink { get; set; }

    /// <summary>Event details of created objects not yet recorded in their grains.</summary>
    [Id(18)]
    public List<EventDetails> PendingEventDetails { get; set; } = [];

    /// <summary>The tenant's parked-actions index may not show this contact's parked actions yet.</summary>
    [Id(20)]
    public bool ParkedIndexDirty { get; set; }

    /// <summary>
    /// Whether the contact's e-mail was looked up in SuperOffice since it last changed, without a single
    /// match. Such a contact is not a lead until an automation wants to act on it.
    /// </summary>
    [Id(19)]
    public bool LookedUpWithoutMatch { get; set; }

    /// <summary>The contact's legal basis per purpose (lower-case purpose name → latest record).</summary>
    [Id(21)]
    public Dictionary<string, Consent.ConsentRecord> Consents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The tenant's consent log may not show the latest consent records yet.</summary>
    [Id(22)]
    public bool ConsentLogDirty { get; set; }

    /// <summary>Purposes whose latest record SuperOffice (Services88) must still be told.</summary>
    [Id(23)]
    public HashSet<string> ConsentSyncPending { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Per set-operation target (<see cref="SetOperations"/>), the newest trigger that queued a change of it: a trigger
    /// that occurred earlier but was delivered later does not change it again.
    /// </summary>
    [Id(30)]
    public Dictionary<string, SetIntent> SetIntents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Targets whose last change had an uncertain outcome: other changes of them wait until it has settled.</summary>
    [Id(31)]
    public List<SetOperationFence> Fences { get; set; } = [];

    /// <summary>Feed events raised but not yet stored in the tenant's feed (<see cref="Feed.IEventFeedGrain"/>), in order.</summary>
    [Id(32)]
    public List<Feed.FeedEvent> PendingFeedEvents { get; set; } = [];

    /// <summary>How many feed events this contact raised: the next one's number (<see cref="Feed.FeedEvents.Raise"/>).</summary>
    [Id(33)]
    public long FeedEventCount { get; set; }

    // Part D (retention, ContactRetention): ids 70–79.

    /// <summary>The number of the oldest archived chunk still kept; retention cleared the ones before it.</summary>
    [Id(70)]
    public int TimelineFirstChunk { get; set; }

    /// <summary>How many of the oldest entries of chunk <see cref="TimelineFirstChunk"/> retention dropped from it.</summary>
    [Id(71)]
    public int TimelineFirstChunkDropped { get; set; }

    /// <summary>
    /// When the oldest archived entry still kept was recorded; null when none is kept or it is not known yet
    /// (<see cref="ContactRetention.ArchivedOldest"/>).
    /// </summary>
    [Id(72)]
    public DateTimeOffset? TimelineArchivedOldestAt { get; set; }

    /// <summary>The oldest kept day the tenant's roster lists this contact under (<see cref="IContactRosterGrain"/>); null when not listed.</summary>
    [Id(73)]
    public int? RosterDay { get; set; }

    // Part C — forgetting (ids 60–69).

    /// <summary>
    /// When the contact was last erased (<see cref="ContactErasure"/>); null if never. A trigger that occurred at or before it
    /// is dropped, so a redelivery cannot bring the erased contact back; a later one starts a new contact.
    /// </summary>
    [Id(60)]
    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>What an erasure must still remove from other grains; null once everything is removed.</summary>
    [Id(61)]
    public ErasureWork? Erasure { get; set; }

    /// <summary>What an erasure kept of the contact's consent records to prove them (no comment, no person), by purpose.</summary>
    [Id(62)]
    public Dictionary<string, Consent.ConsentRecord> ErasedConsents { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The latest sales and appointments Relay created for the contact, so that an erasure finds their event details:
    /// fewer than two pages' worth; older ones are archived in <see cref="CreatedObjectPages"/> page grains
    /// (<see cref="ICreatedObjectPageGrain"/>), so this state does not grow with the contact's history.
    /// </summary>
    [Id(63)]
    public List<CrmCreatedObject> CreatedObjects { get; set; } = [];

    /// <summary>How many full pages of the oldest created objects are archived, numbered from 0 (the oldest).</summary>
    [Id(64)]
    public int CreatedObjectPages { get; set; }

    /// <summary>Erased, and no new interaction since: nothing of the contact is left but what keeps it erased.</summary>
    public bool IsTombstone => ErasedAt is not null && FirstSeen is null;

    /// <summary>What the contact still has to do; computed here and nowhere else, so no caller can leave a kind out.</summary>
    public PendingWork Pending =>
        (NeedsResolution ? PendingWork.Resolution : PendingWork.None)
        | (Outbox.Count > 0 && Lead is null ? PendingWork.Outbox : PendingWork.None)
        | (LeadIndexDirty ? PendingWork.LeadIndex : PendingWork.None)
        | (LinkIndexDirty ? PendingWork.LinkIndex : PendingWork.None)
        | (PendingEventDetails.Count > 0 ? PendingWork.EventDetails : PendingWork.None)
        | (ParkedIndexDirty ? PendingWork.ParkedIndex : PendingWork.None)
        | (PendingFeedEvents.Count > 0 ? PendingWork.FeedEvents : PendingWork.None)
        | (ConsentLogDirty ? PendingWork.ConsentLog : PendingWork.None)
        | (ConsentSyncPending.Count > 0 && Link is not null ? PendingWork.ConsentSync : PendingWork.None)
        | (Erasure is not null ? PendingWork.Erasure : PendingWork.None);

    /// <summary>
    /// Whether the person must be looked up: before the outbox can drain, and once for every new contact
    /// so that the Timeline Report finds it under its SuperOffice person.
    /// </summary>
    public bool NeedsResolution =>
        !IsTombstone && Lead is null && (GivenPersonId is { } id && id != Link?.PersonId
            || Link is null && (Outbox.Count > 0 || !LookedUpWithoutMatch));
}

/// <summary>The SuperOffice person a contact is linked to, with its company's associate for ownership.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.person-link")]
public sealed record PersonLink(
    [property: Id(0)] int PersonId,
    [property: Id(1)] int? CompanyId,
    [property: Id(2)] int? CompanyAssociateId,
    [property: Id(3)] LinkSource Source,
    [property: Id(4)] DateTimeOffset LinkedAt)
{
    /// <summary>The id pair membership calls take.</summary>
    public CrmPersonRef Ref => new(PersonId, CompanyId);
}

/// <summary>How a contact came to be linked.</summary>
public enum LinkSource
{
    /// <summary>eMarketeer sent the person id with the trigger.</summary>
    GivenPersonId = 0,

    /// <summary>Exactly one person had the contact's e-mail address.</summary>
    EmailMatch = 1,

    /// <summary>Sales approved the lead and Relay created the person.</summary>
    Approved = 2,

    /// <summary>Sales chose an existing person for the lead.</summary>
    ChosenBySales = 3,
}

/// <summary>Why a contact is a lead, and since when.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.lead-info")]
public sealed record LeadInfo(
    [property: Id(0)] LeadReason Reason,
    [property: Id(1)] ImmutableArray<CrmPersonMatch> Candidates,
    [property: Id(2)] DateTimeOffset Since);

/// <summary>Why a contact became a lead.</summary>
public enum LeadReason
{
    /// <summary>No SuperOffice person has the contact's e-mail address.</summary>
    New = 0,

    /// <summary>Several persons have it; sales must choose.</summary>
    Ambiguous = 1,
}

/// <summary>One interaction on a contact's timeline.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.timeline-entry")]
public sealed record TimelineEntry(
    [property: Id(0)] string TriggerId,
    [property: Id(1)] TriggerType Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] DateTimeOffset ReceivedAt,
    [property: Id(4)] ContentRef? Content,
    [property: Id(5)] string? LinkUrl,
    [property: Id(6)] string? FormId,
    [property: Id(7)] ImmutableArray<string> AutomationIds,
    [property: Id(8)] string? EventName = null);

/// <summary>
/// One action waiting in a contact's outbox. <see cref="Key"/> (trigger id, automation id, action
/// index) makes it unique; attempts, the next attempt time and the last error serve the retry policy.
/// </summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.outbox-item")]
public sealed record OutboxItem(
    [property: Id(0)] string Key,
    [property: Id(1)] string TriggerId,
    [property: Id(2)] string AutomationId,
    [property: Id(3)] int ActionIndex,
    [property: Id(4)] AutomationAction Action,
    [property: Id(5)] TriggerType TriggerType,
    [property: Id(6)] DateTimeOffset OccurredAt,
    [property: Id(7)] DateTimeOffset EnqueuedAt,
    [property: Id(8)] ContentRef? Content,
    [property: Id(9)] string? LinkUrl,
    [property: Id(10)] int Attempts = 0,
    [property: Id(11)] DateTimeOffset? NextAttemptAt = null,
    [property: Id(12)] string? LastError = null,
    [property: Id(13)] string? LastErrorType = null,
    [property: Id(14)] bool OutcomeUncertain = false,
    [property: Id(15)] string? EventName = null);

/// <summary>What became of an action.</summary>
[GenerateSerializer, SuppressReferenceTracking, Immutable, Alias("relay.action-outcome")]
public sealed record ActionOutcome(
    [property: Id(0)] string Key,
    [property: Id(1)] string TriggerId,
    [property: Id(2)] string AutomationId,
    [property: Id(3)] int ActionIndex,
    [property: Id(4)] ActionKind Kind,
    [property: Id(5)] OutcomeStatus Status,
    [property: Id(6)] int? PersonId,
    [property: Id(7)] int? CrmObjectId,
    [property: Id(8)] string? Error,
    [property: Id(9)] string? ErrorType,
    [property: Id(10)] int Attempts,
    [property: Id(11)] DateTimeOffset At);

/// <summary>The end an action came to.</summary>
public enum OutcomeStatus
{
    /// <summary>SuperOffice holds the effect.</summary>
    Succeeded = 0,

    /// <summary>It failed permanently and waits for a replay.</summary>
    Parked = 1,

    /// <summary>Sales dismissed the lead it waited for.</summary>
    Dismissed = 2,

    /// <summary>The contact withdrew its e-mail marketing consent before it ran.</summary>
    Cancelled = 3,

    /// <summary>
    /// Never queued: the contact waited as a lead with the same automation's actions already waiting, and this run was
    /// coalesced into them (<see cref="Leads.LeadBacklog"/>).
    /// </summary>
    Coalesced = 4,

    /// <summary>Never queued: the lead already had as many waiting actions as the tenant allows (<see cref="Leads.LeadBacklog"/>).</summary>
    NotQueued = 5,

    /// <summary>
    /// Never sent: a membership or interest change whose trigger occurred before one that already decided the same
    /// target, though it was delivered after it (<see cref="SetOperations"/>).
    /// </summary>
    Superseded = 6,

    /// <summary>It was parked, and someone discarded it instead of replaying it; it never ran.</summary>
    Discarded = 7,
}
