namespace Relay.Consent;

/// <summary>Where a consent change came from.</summary>
public enum ConsentOrigin
{
    /// <summary>eMarketeer: a <c>consent.changed</c> trigger or Relay's consent API.</summary>
    Relay = 0,

    /// <summary>SuperOffice, found by reconciliation to be the latest change.</summary>
    SuperOffice = 1,
}

/// <summary>
/// A contact's legal basis for one purpose, latest change first wins: purpose, legal basis, granted or
/// withdrawn, source, comment, when it changed, where the change came from, and when SuperOffice last agreed.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.consent-record")]
public sealed record ConsentRecord(
    [property: Id(0)] string Purpose,
    [property: Id(1)] string LegalBasis,
    [property: Id(2)] bool Granted,
    [property: Id(3)] string? Source,
    [property: Id(4)] string? Comment,
    [property: Id(5)] DateTimeOffset ChangedAt,
    [property: Id(6)] ConsentOrigin Origin,
    [property: Id(7)] DateTimeOffset RecordedAt,
    [property: Id(8)] DateTimeOffset? SyncedAt = null,
    [property: Id(9)] string? SyncError = null);

/// <summary>One entry of a tenant's consent log: the latest record of one contact and purpose, with its sequence number.</summary>
[GenerateSerializer, Immutable, Alias("relay.consent-entry")]
public sealed record ConsentEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string ContactId,
    [property: Id(2)] int? PersonId,
    [property: Id(3)] ConsentRecord Record);

/// <summary>A page of the consent log after a sequence number; <see cref="Next"/> is the <c>since</c> of the following page.</summary>
[GenerateSerializer, Immutable, Alias("relay.consent-log-page")]
public sealed record ConsentLogPage(
    [property: Id(0)] ImmutableArray<ConsentEntry> Entries,
    [property: Id(1)] long Next,
    [property: Id(2)] bool HasMore);

/// <summary>A difference reconciliation found between Relay and SuperOffice, and which side won.</summary>
[GenerateSerializer, Immutable, Alias("relay.consent-conflict")]
public sealed record ConsentConflict(
    [property: Id(0)] string ContactId,
    [property: Id(1)] int PersonId,
    [property: Id(2)] string Purpose,
    [property: Id(3)] bool? RelayGranted,
    [property: Id(4)] string? RelayLegalBasis,
    [property: Id(5)] DateTimeOffset? RelayChangedAt,
    [property: Id(6)] bool CrmGranted,
    [property: Id(7)] string? CrmLegalBasis,
    [property: Id(8)] DateTimeOffset? CrmChangedAt,
    [property: Id(9)] ConsentOrigin Winner,
    [property: Id(10)] DateTimeOffset FoundAt);

/// <summary>What one reconciliation run did.</summary>
[GenerateSerializer, Immutable, Alias("relay.consent-reconciliation")]
public sealed record ConsentReconciliation(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Persons,
    [property: Id(2)] int InSync,
    [property: Id(3)] int PushedToCrm,
    [property: Id(4)] int TakenFromCrm,
    [property: Id(5)] int Failed,
    [property: Id(6)] string? Skipped = null);
