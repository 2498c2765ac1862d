namespace Relay.Leads;

/// <summary>The SuperOffice user who decides about a lead.</summary>
[GenerateSerializer, Immutable, Alias("relay.sales-user")]
public sealed record SalesUser([property: Id(0)] int? AssociateId, [property: Id(1)] string Name)
{
    /// <summary>Relay itself, for decisions no person made (expiry).</summary>
    public static SalesUser Relay { get; } = new(null, "Relay");
}

/// <summary>What a decision about a lead came to.</summary>
public enum LeadDecisionStatus
{
    /// <summary>The decision was carried out.</summary>
    Done = 0,

    /// <summary>Someone decided about this lead already; nothing changed.</summary>
    AlreadyDecided = 1,

    /// <summary>The contact is not a lead.</summary>
    NotALead = 2,

    /// <summary>SuperOffice did not answer as needed; trying again is safe.</summary>
    Failed = 3,

    /// <summary>The decision cannot be carried out as asked (e.g. the chosen person does not exist).</summary>
    Refused = 4,
}

/// <summary>The answer to a decision about a lead, in words a sales person can read.</summary>
[GenerateSerializer, Immutable, Alias("relay.lead-decision-result")]
public sealed record LeadDecisionResult(
    [property: Id(0)] LeadDecisionStatus Status,
    [property: Id(1)] string Message,
    [property: Id(2)] int? PersonId = null);

/// <summary>One decision about a contact as a lead: who, what, when.</summary>
[GenerateSerializer, Immutable, Alias("relay.lead-decision-record")]
public sealed record LeadDecisionRecord(
    [property: Id(0)] LeadDecisionKind Kind,
    [property: Id(1)] SalesUser By,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int? PersonId,
    [property: Id(4)] int? CompanyId,
    [property: Id(5)] int Actions);

/// <summary>The decisions sales can make about a lead.</summary>
public enum LeadDecisionKind
{
    /// <summary>Created the person (and company) in SuperOffice and ran the waiting actions.</summary>
    Approved = 0,

    /// <summary>Linked to an existing person and ran the waiting actions.</summary>
    Linked = 1,

    /// <summary>Dropped the waiting actions.</summary>
    Dismissed = 2,

    /// <summary>Nobody decided in time; the waiting actions were dropped.</summary>
    Expired = 3,

    /// <summary>The contact withdrew its e-mail marketing consent; the waiting actions were cancelled.</summary>
    ConsentWithdrawn = 4,
}

/// <summary>
/// An approval under way. It is written before each CRM create, so a retry after a crash or a timeout
/// finds what the first attempt made instead of making it again. <see cref="Fields"/> are the (corrected) fields the
/// creates use and <see cref="Company"/> what sales chose; a null <see cref="Fields"/> (stored before corrections
/// existed) means the contact's own.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.approval-in-progress")]
public sealed record ApprovalInProgress(
    [property: Id(0)] SalesUser By,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] ImmutableArray<int> PersonsBefore,
    [property: Id(3)] int? CompanyId = null,
    [property: Id(4)] bool CompanyCreateSent = false,
    [property: Id(5)] bool PersonCreateSent = false,
    [property: Id(6)] Triggers.ContactFields? Fields = null,
    [property: Id(7)] CompanyChoice Company = CompanyChoice.Lookup,
    [property: Id(8)] int? ChosenCompanyId = null)
{
    /// <summary>Whether a create went out: from then on the approval keeps its first choice, so nothing is made twice.</summary>
    public bool AnyCreateSent => CompanyCreateSent || PersonCreateSent;
}
