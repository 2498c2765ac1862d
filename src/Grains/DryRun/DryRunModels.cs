using Relay.Contacts;
using Relay.Crm;
using Relay.Triggers;

namespace Relay.DryRun;

/// <summary>What a dry run starts from (<see cref="IContactGrain.GetDryRunBasisAsync"/>): a copy of the contact's state and the timeline entry asked for.</summary>
[GenerateSerializer, Alias("relay.dry-run-basis")]
public sealed record DryRunBasis([property: Id(0)] ContactState State, [property: Id(1)] TimelineEntry? Entry);

/// <summary>A dry run asked for: a contract-v1 <see cref="Trigger"/>, or a trigger from a contact's timeline.</summary>
[GenerateSerializer, Immutable, Alias("relay.dry-run-request")]
public sealed record DryRunRequest(
    [property: Id(0)] Trigger? Trigger,
    [property: Id(1)] string? ContactId = null,
    [property: Id(2)] string? TriggerId = null);

/// <summary>The answer to a dry run: the report, or why there is none (<see cref="Missing"/>).</summary>
[GenerateSerializer, Immutable, Alias("relay.dry-run-answer")]
public sealed record DryRunAnswer(
    [property: Id(0)] DryRunReport? Report,
    [property: Id(1)] DryRunMissing? Missing = null,
    [property: Id(2)] string? Detail = null);

/// <summary>Why a dry run has no report.</summary>
public enum DryRunMissing
{
    /// <summary>There is no such tenant.</summary>
    Tenant = 0,

    /// <summary>Relay never heard of the contact.</summary>
    Contact = 1,

    /// <summary>The contact's timeline has no such trigger.</summary>
    Trigger = 2,
}

/// <summary>
/// What a trigger would do, with nothing done: which automations run (and why the others do not), how the contact
/// resolves, and the CRM writes in the order they would be made.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.dry-run-report")]
public sealed record DryRunReport(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string ContactId,
    [property: Id(2)] string ContactName,
    [property: Id(3)] bool ContactKnown,
    [property: Id(4)] DryRunTrigger Trigger,
    [property: Id(5)] bool Duplicate,
    [property: Id(6)] ImmutableArray<AutomationVerdict> Automations,
    [property: Id(7)] DryRunResolution Resolution,
    [property: Id(8)] ImmutableArray<DryRunWrite> Writes,
    [property: Id(9)] ImmutableArray<string> Notes,
    [property: Id(10)] DateTimeOffset At);

/// <summary>The trigger a dry run weighed.</summary>
[GenerateSerializer, Immutable, Alias("relay.dry-run-trigger")]
public sealed record DryRunTrigger(
    [property: Id(0)] string Id,
    [property: Id(1)] TriggerType Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] ContentRef? Content,
    [property: Id(4)] string? LinkUrl,
    [property: Id(5)] string? FormId,
    [property: Id(6)] bool FromTimeline,
    [property: Id(7)] string? EventName = null);

/// <summary>How the contact resolves to a SuperOffice person.</summary>
[GenerateSerializer, Immutable, Alias("relay.dry-run-resolution")]
public sealed record DryRunResolution(
    [property: Id(0)] DryRunResolutionKind Kind,
    [property: Id(1)] string Summary,
    [property: Id(2)] DryRunPerson? Person = null,
    ImmutableArray<CrmPersonMatch> Candidates = default,
    [property: Id(4)] string? Error = null)
{
    /// <summary>The persons sales would choose among; empty unless several share the e-mail.</summary>
    [Id(3)]
    public ImmutableArray<CrmPersonMatch> Candidates { get; init; } = Candidates.IsDefault ? [] : Candidates;
}

/// <summary>The kinds of <see cref="DryRunResolution"/>.</summary>
public enum DryRunResolutionKind
{
    /// <summary>Already linked to a person; no lookup.</summary>
    Linked = 0,

    /// <summary>The person id eMarketeer gave exists: it links.</summary>
    GivenPersonId = 1,

    /// <summary>Exactly one person has the e-mail: it links.</summary>
    EmailMatch = 2,

    /// <summary>No person has the e-mail: a new lead.</summary>
    NewLead = 3,

    /// <summary>Several persons have the e-mail: an ambiguous lead, with the candidates.</summary>
    AmbiguousLead = 4,

    /// <summary>The contact already waits as a lead; its actions wait with it.</summary>
    WaitingLead = 5,

    /// <summary>Nobody was found, but nothing waits for a person, so the contact does not become a lead.</summary>
    NotALead = 6,

    /// <summary>Nothing asks for a person and the contact needs no lookup.</summary>
    NotNeeded = 7,

    /// <summary>SuperOffice could not be asked.</summary>
    LookupFailed = 8,
}

/// <summary>A SuperOffice person a contact resolves to.</summary>
[GenerateSerializer, Immutable, Alias("relay.dry-run-person")]
public sealed record DryRunPerson(
    [property: Id(0)] int PersonId,
    [property: Id(1)] string? Name,
    [property: Id(2)] int? CompanyId,
    [property: Id(3)] string? CompanyName,
    [property: Id(4)] NamedId? CompanyAssociate);

/// <summary>A SuperOffice id with its name from SuperOffice's lists (null when the list does not hold it).</summary>
[GenerateSerializer, Immutable, Alias("relay.named-id")]
public sealed record NamedId([property: Id(0)] int Id, [property: Id(1)] string? Name);

/// <summary>What became of one action of a matched automation.</summary>
public enum DryRunWriteStatus
{
    /// <summary>It would be written to SuperOffice, in this order.</summary>
    WouldWrite = 0,

    /// <summary>It would wait, in this order, until sales approves or links the lead.</summary>
    WaitsAsLead = 1,

    /// <summary>Never queued: the lead already has the same automation's actions waiting.</summary>
    Coalesced = 2,

    /// <summary>Never queued: the lead already has as many waiting actions as the tenant allows.</summary>
    NotQueued = 3,

    /// <summary>Never sent: a later trigger already decided the same membership or interest.</summary>
    Superseded = 4,

    /// <summary>It would wait until SuperOffice can be asked who the contact is.</summary>
    WaitsForPerson = 5,
}

/// <summary>One CRM write a dry run found, with its target and owner named.</summary>
[GenerateSerializer, Immutable, Alias("relay.dry-run-write")]
public sealed record DryRunWrite(
    [property: Id(0)] int Order,
    [property: Id(1)] string AutomationId,
    [property: Id(2)] string? AutomationName,
    [property: Id(3)] int ActionIndex,
    [property: Id(4)] ActionKind Kind,
    [property: Id(5)] DryRunWriteStatus Status,
    [property: Id(6)] string What,
    [property: Id(7)] int? PersonId = null,
    [property: Id(8)] int? CompanyId = null,
    [property: Id(9)] NamedId? Target = null,
    [property: Id(10)] string? Heading = null,
    [property: Id(11)] double? Amount = null,
    [property: Id(12)] int? Probability = null,
    [property: Id(13)] string? Description = null,
    [property: Id(14)] DateTimeOffset? Date = null,
    [property: Id(15)] NamedId? Owner = null,
    [property: Id(16)] string? OwnerRule = null,
    [property: Id(17)] string? Reference = null,
    [property: Id(18)] string? Note = null);
