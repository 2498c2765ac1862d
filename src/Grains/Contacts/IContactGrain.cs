using Relay.Leads;
using Relay.Triggers;

namespace Relay.Contacts;

/// <summary>
/// One eMarketeer contact: serializes its triggers, decides what they mean for SuperOffice and drains
/// its outbox. Key: <c>{tenant}:{contactId}</c> (see <see cref="ContactKey"/>). Triggers arrive from the contact's
/// trigger lane (<see cref="TriggerLanes"/>); the rest of this interface is for reading and for sales' decisions.
/// </summary>
[Alias("relay.IContactGrain")]
public interface IContactGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes a queue message's triggers (this contact's, in order) from its trigger lane: applies them, writes them once,
    /// and returns after the write; a trigger seen before is dropped. Throws when the write fails (the lane delivers again).
    /// </summary>
    [Alias("Accept")]
    Task AcceptAsync(ImmutableArray<TriggerEnvelope> triggers);

    /// <summary>
    /// The contact's state for APIs and panels, or null when Relay never heard of it. Reads interleave
    /// with the contact's work, so a panel never waits behind a slow CRM call; they see the state as of
    /// the last completed step.
    /// </summary>
    [Alias("GetView"), AlwaysInterleave]
    Task<ContactView?> GetViewAsync(int timelineSkip, int timelineTake);

    /// <summary>The newest <paramref name="take"/> timeline entries, for timelines merged across contacts.</summary>
    [Alias("GetTimeline"), AlwaysInterleave]
    Task<ContactTimeline?> GetTimelineAsync(int take);

    /// <summary>
    /// What a dry run starts from: the contact's state, copied (changing it changes nothing here), and the timeline entry
    /// of <paramref name="triggerId"/> when one is asked for (null when the contact has none). Null when Relay never heard
    /// of the contact. Writes nothing.
    /// </summary>
    [Alias("GetDryRunBasis"), AlwaysInterleave]
    Task<DryRun.DryRunBasis?> GetDryRunBasisAsync(string? triggerId);

    /// <summary>
    /// Approves the lead: creates the person with the mapped fields (as <paramref name="choice"/> corrects them) under the
    /// company sales chose — an existing one, a new one, none, or (by default, when the tenant opted in) the one a look-up
    /// finds, created when there is none — links the contact and runs its waiting actions once, in order. Safe to repeat:
    /// once a create went out, a repeat finishes the first choice.
    /// </summary>
    [Alias("Approve")]
    Task<LeadDecisionResult> ApproveAsync(SalesUser by, ApprovalChoice? choice = null);

    /// <summary>Links the lead to an existing person and runs its waiting actions once; later triggers use that person.</summary>
    [Alias("LinkToPerson")]
    Task<LeadDecisionResult> LinkToPersonAsync(int personId, SalesUser by);

    /// <summary>Drops the lead's waiting actions; the timeline keeps the interactions.</summary>
    [Alias("Dismiss")]
    Task<LeadDecisionResult> DismissAsync(SalesUser by);

    /// <summary>Drops the lead's waiting actions if it is older than the tenant's lead expiry.</summary>
    [Alias("ExpireIfDue")]
    Task<LeadDecisionResult> ExpireIfDueAsync();

    /// <summary>
    /// Puts parked actions back in the outbox after their cause was fixed: the one with <paramref name="key"/>, or
    /// every one with <paramref name="errorType"/>, or all when both are null. Returns how many.
    /// </summary>
    [Alias("ReplayParked")]
    Task<int> ReplayParkedAsync(string? key, string? errorType);

    /// <summary>
    /// Drops parked actions without running them, each kept as a <see cref="OutcomeStatus.Discarded"/> outcome: the one
    /// with <paramref name="key"/>, or every one with <paramref name="errorType"/>, or all when both are null. Returns how many.
    /// </summary>
    [Alias("DiscardParked")]
    Task<int> DiscardParkedAsync(string? key, string? errorType);

    /// <summary>The contact's consent records, one per purpose.</summary>
    [Alias("GetConsents"), AlwaysInterleave]
    Task<ImmutableArray<Consent.ConsentRecord>> GetConsentsAsync();

    /// <summary>Takes a consent state SuperOffice holds as the latest change (reconciliation); not sent back to SuperOffice.</summary>
    [Alias("ApplyCrmConsent")]
    Task ApplyCrmConsentAsync(Consent.ConsentRecord record);

    /// <summary>Sends the contact's record for the purpose to SuperOffice again (reconciliation found Relay's the latest).</summary>
    [Alias("ResyncConsent")]
    Task ResyncConsentAsync(string purpose);

    /// <summary>
    /// Applies the tenant's retention now (the daily sweep, for contacts that do not come back) and returns the day of the
    /// oldest entry or outcome the contact still keeps; null when it keeps nothing (or Relay never heard of it).
    /// </summary>
    [Alias("SweepRetention")]
    Task<int?> SweepRetentionAsync();

    /// <summary>
    /// Forgets the contact (GDPR erasure): its state, timeline, indexes, lead, event details, dead letters, import rows and
    /// consent records but their proof; keeps a tombstone so that an old trigger cannot bring it back. Raises
    /// <c>contact.erased</c>. Erasing a contact Relay never heard of leaves a tombstone too. Safe to repeat.
    /// </summary>
    [Alias("Erase")]
    Task<ErasureReceipt> EraseAsync(string by);
}

/// <summary>Whether a contact is linked to a person, a lead, or not yet looked up.</summary>
public enum ContactStatus
{
    /// <summary>No action has needed a person yet.</summary>
    Unresolved = 0,

    /// <summary>Linked to a SuperOffice person.</summary>
    Linked = 1,

    /// <summary>A lead: no person has its e-mail.</summary>
    NewLead = 2,

    /// <summary>A lead: several persons have its e-mail.</summary>
    AmbiguousLead = 3,
}

/// <summary>A contact as APIs and panels show it. The timeline is newest first.</summary>
[GenerateSerializer, Immutable, Alias("relay.contact-view")]
public sealed record ContactView(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string ContactId,
    [property: Id(2)] ContactStatus Status,
    [property: Id(3)] ContactFields? Fields,
    [property: Id(4)] PersonLink? Link,
    [property: Id(5)] LeadInfo? Lead,
    [property: Id(6)] int TimelineTotal,
    [property: Id(7)] ImmutableArray<TimelineEntry> Timeline,
    [property: Id(8)] ImmutableArray<OutboxItem> Outbox,
    [property: Id(9)] ImmutableArray<OutboxItem> Parked,
    [property: Id(10)] ImmutableArray<ActionOutcome> Outcomes,
    [property: Id(11)] DateTimeOffset? FirstSeen,
    [property: Id(12)] DateTimeOffset? LastSeen,
    [property: Id(13)] long DuplicatesDropped,
    [property: Id(14)] ImmutableArray<LeadDecisionRecord> Decisions);

/// <summary>The newest timeline entries of one contact, with who it is.</summary>
[GenerateSerializer, Immutable, Alias("relay.contact-timeline")]
public sealed record ContactTimeline(
    [property: Id(0)] string ContactId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] int? PersonId,
    [property: Id(3)] int Total,
    [property: Id(4)] ImmutableArray<TimelineEntry> NewestFirst);
