using System.IO.Hashing;
using System.Runtime.InteropServices;
using Relay.Consent;
using Relay.Crm;
using Relay.Feed;
using Relay.Imports;

namespace Relay.Contacts;

/// <summary>The other grains an erasure must clean, each a step done once and then dropped from <see cref="ErasureWork.Steps"/>.</summary>
[Flags]
public enum ErasureSteps
{
    /// <summary>Nothing left.</summary>
    None = 0,

    /// <summary>The archived timeline chunks (<see cref="Timeline.ITimelineChunkGrain"/>).</summary>
    TimelineChunks = 1 << 0,

    /// <summary>The event details of the sales and appointments created for the contact: its name and link dropped.</summary>
    EventDetails = 1 << 1,

    /// <summary>The tenant's dead letters of the contact (they hold the whole trigger).</summary>
    DeadLetters = 1 << 2,

    /// <summary>The tenant's consent log: the contact's entries reduced to their proof.</summary>
    ConsentLog = 1 << 3,

    /// <summary>Import results: rows with the contact's e-mail or person, and the e-mail's duplicate claims.</summary>
    Imports = 1 << 4,

    /// <summary>The admin log: what replays and discards of the contact's parked actions recorded about them.</summary>
    AdminLog = 1 << 5,

    /// <summary>Every step.</summary>
    All = TimelineChunks | EventDetails | DeadLetters | ConsentLog | Imports | AdminLog,
}

/// <summary>
/// What an erasure must still remove elsewhere, and what it needs to find it: the number of timeline chunks, the created
/// objects (those the state held, and the number of archived pages of older ones), the e-mail as hashes (<see cref="ContactErasure.EmailHash"/>, never the address) and the person ids. Dropped from
/// the state once every step is done.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.erasure-work")]
public sealed record ErasureWork(
    [property: Id(0)] ErasureSteps Steps,
    [property: Id(1)] int TimelineChunks,
    [property: Id(2)] ImmutableArray<CrmCreatedObject> CreatedObjects,
    [property: Id(3)] ImmutableArray<ulong> EmailHashes,
    [property: Id(4)] ImmutableArray<int> PersonIds,
    [property: Id(5)] int CreatedObjectPages = 0);

/// <summary>What an erasure answers: when the contact was erased, whether Relay knew it, and whether every store is clean yet.</summary>
[GenerateSerializer, Immutable, Alias("relay.erasure-receipt")]
public sealed record ErasureReceipt(
    [property: Id(0)] string ContactId,
    [property: Id(1)] DateTimeOffset ErasedAt,
    [property: Id(2)] bool WasKnown,
    [property: Id(3)] bool Complete);

/// <summary>
/// Forgetting a contact (GDPR erasure), as plain functions: the tombstone that replaces its state, the proof kept of its
/// consents, and the rule that keeps an old trigger from bringing it back.
/// </summary>
public static class ContactErasure
{
    /// <summary>What event details show instead of an erased contact's name.</summary>
    public const string ErasedName = "Erased contact";

    /// <summary>
    /// The state an erasure leaves: nothing personal, only what keeps the contact erased and finishes the erasure — when
    /// (<see cref="ContactState.ErasedAt"/>), the trigger-id hashes (redeliveries stay duplicates), the feed events and their
    /// count (ids stay unique), the proof of its consents, the index updates that take it off the tenant's indexes, and
    /// the <see cref="ErasureWork"/> for the other grains. Starts from a new state, so a member added later is erased
    /// by default. Raises <c>contact.erased</c>.
    /// </summary>
    public static ContactState Tombstone(ContactState s, string contactId, string by, DateTimeOffset now)
    {
        var tombstone = new ContactState
        {
            ErasedAt = now,
            RecentTriggerHashes = [.. s.RecentTriggerIds.Select(ContactDecisions.TriggerHash), .. s.RecentTriggerHashes],
            FeedEventCount = s.FeedEventCount,
            PendingFeedEvents = [.. s.PendingFeedEvents],
            ErasedConsents = new(s.ErasedConsents, StringComparer.Ordinal),
            IndexedLink = s.IndexedLink,
            LinkIndexDirty = s.IndexedLink is not null,
            LeadIndexDirty = true,
            ParkedIndexDirty = s.Parked.Count > 0 || s.ParkedIndexDirty,
            Erasure = WorkFor(s),

            // Kept so that the erasure takes the contact off the tenant's roster (ContactGrain.KeepRosterAsync).
            RosterDay = s.RosterDay,
        };
        foreach (var record in s.Consents.Values)
        {
            tombstone.ErasedConsents[record.Purpose] = Proof(record);
        }

        FeedEvents.Raise(tombstone, contactId, FeedEventTypes.ContactErased, now, new FeedEventData(By: by));
        return tombstone;
    }

    /// <summary>
    /// What proves a consent without naming anyone: purpose, legal basis, granted or withdrawn, source, when it changed,
    /// when Relay recorded it and where it came from. The comment (free text), the sync error and the sync time go.
    /// </summary>
    public static ConsentRecord Proof(ConsentRecord record) => record with { Comment = null, SyncedAt = null, SyncError = null };

    /// <summary>Whether a trigger belongs to the erased past: it occurred at or before the latest erasure.</summary>
    public static bool IsErased(ContactState s, DateTimeOffset occurredAt) => s.ErasedAt is { } erased && occurredAt <= erased;

    /// <summary>An e-mail address as an erasure looks for it: XxHash3 of the address as imports compare it (trimmed, lower case).</summary>
    public static ulong EmailHash(string email) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes((ImportDecisions.Normalize(email) ?? "").AsSpan()));

    /// <summary>Whether an imported row names one of the erased contacts: its e-mail or its person.</summary>
    public static bool Names(ErasureWork work, int personId, string? email) =>
        work.PersonIds.Contains(personId) || ImportDecisions.Normalize(email) is { } e && work.EmailHashes.Contains(EmailHash(e));

    /// <summary>The other grains' work, added to any an earlier erasure left unfinished.</summary>
    private static ErasureWork WorkFor(ContactState s)
    {
        var created = s.CreatedObjects
            .Concat(s.Outcomes.Where(o => o.CrmObjectId is not null && o.Kind is ActionKind.CreateSale or ActionKind.CreateTask or ActionKind.NotifySalesRep)
                .Select(o => new CrmCreatedObject(o.Kind == ActionKind.CreateSale ? CrmObjectKind.Sale : CrmObjectKind.Appointment, o.CrmObjectId!.Value)))
            .Concat(s.PendingEventDetails.Select(d => new CrmCreatedObject(d.ObjectKind, d.ObjectId)));
        int?[] persons = [s.Link?.PersonId, s.IndexedLink?.PersonId, s.GivenPersonId];
        var earlier = s.Erasure;
        return new ErasureWork(
            ErasureSteps.All,
            Math.Max(s.TimelineChunks, earlier?.TimelineChunks ?? 0),
            [.. created.Concat(earlier?.CreatedObjects ?? []).Distinct()],
            [.. (s.Fields?.Email is { } email ? [EmailHash(email)] : Array.Empty<ulong>()).Concat(earlier?.EmailHashes ?? []).Distinct()],
            [.. persons.OfType<int>().Concat(earlier?.PersonIds ?? []).Distinct()],
            Math.Max(s.CreatedObjectPages, earlier?.CreatedObjectPages ?? 0));
    }
}
