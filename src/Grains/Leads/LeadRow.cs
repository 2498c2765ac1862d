using Relay.Contacts;
using Relay.Crm;

namespace Relay.Leads;

/// <summary>One lead as the Lead Report lists it.</summary>
[GenerateSerializer, Immutable, Alias("relay.lead-row")]
public sealed record LeadRow(
    [property: Id(0)] string ContactId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? Email,
    [property: Id(3)] string? CompanyName,
    [property: Id(4)] LeadReason Reason,
    [property: Id(5)] ImmutableArray<CrmPersonMatch> Candidates,
    [property: Id(6)] int PendingActions,
    [property: Id(7)] DateTimeOffset FirstSeen,
    [property: Id(8)] DateTimeOffset LastSeen,
    [property: Id(9)] DateTimeOffset LeadSince,
    [property: Id(10)] DateTimeOffset? ExpiresAt = null,
    [property: Id(11)] bool ExpiresSoon = false);

/// <summary>A page of leads, newest activity first.</summary>
[GenerateSerializer, Immutable, Alias("relay.lead-page")]
public sealed record LeadPage(
    [property: Id(0)] int Total,
    [property: Id(1)] int Skip,
    [property: Id(2)] ImmutableArray<LeadRow> Items);
