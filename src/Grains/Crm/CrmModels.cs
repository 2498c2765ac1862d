namespace Relay.Crm;

/// <summary>How Relay reaches one tenant's SuperOffice NetServer.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-connection")]
public sealed record CrmConnection(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string BaseUrl,
    [property: Id(2)] string ServicesVersion = "75",
    [property: Id(3)] string? UserName = null,
    [property: Id(4)] string? Password = null,
    [property: Id(5)] string? ApplicationToken = null,
    [property: Id(6)] EmailLookup EmailLookup = EmailLookup.FindAddress)
{
    /// <summary>A connection for tests and the in-memory CRM, where no server is called.</summary>
    public static CrmConnection Local(string tenantId) => new(tenantId, "memory://" + tenantId);

    /// <summary>
    /// A SuperOffice user's own ticket (a panel's verified <c>usec</c>): when set, calls run as that user, with
    /// that user's rights, instead of the tenant's system sign-in; a rejected user ticket is not renewed.
    /// </summary>
    [Id(7)]
    public string? UserTicket { get; init; }

    /// <summary>Set for a SuperOffice CRM Online tenant: the system user signs in, and the address comes from the tenant's state.</summary>
    [Id(8)]
    public OnlineConnection? Online { get; init; }

    /// <summary>Which of NetServer's web services Relay speaks to this tenant: SOAP (the default) or the REST web API.</summary>
    [Id(9)]
    public CrmProtocol Protocol { get; init; }

    /// <summary>
    /// Whether NetServer has consent operations for this tenant: from Services88 over SOAP, always over REST, whose web API
    /// offers the server's newest agents.
    /// </summary>
    public bool HasConsentOperations => Protocol == CrmProtocol.Rest || ServicesVersion != "75";

    /// <summary>The same connection, calling as the user whose ticket this is.</summary>
    public CrmConnection AsUser(string userTicket) => this with { UserTicket = userTicket };

    /// <summary>Never print the password or a ticket.</summary>
    public override string ToString() => Protocol == CrmProtocol.Rest ? $"{TenantId} @ {BaseUrl} (REST)" : $"{TenantId} @ {BaseUrl} (Services{ServicesVersion})";
}

/// <summary>How Relay reaches an Online tenant: context identifier, environment, and the protected system-user token.</summary>
[GenerateSerializer, Immutable, Alias("relay.online-connection")]
public sealed record OnlineConnection(
    [property: Id(0)] string ContextIdentifier,
    [property: Id(1)] string Environment,
    [property: Id(2)] string? SystemUserToken)
{
    /// <summary>Never print the token.</summary>
    public override string ToString() => $"{ContextIdentifier} ({Environment})";
}

/// <summary>Which of NetServer's web services the adapter speaks.</summary>
public enum CrmProtocol
{
    /// <summary>The SOAP agents, <c>/Remote/Services{75|88}/{Agent}.svc</c>.</summary>
    Soap = 0,

    /// <summary>The REST web API's agents, <c>/api/v1/Agents/{Agent}/{Operation}</c> with JSON bodies.</summary>
    Rest = 1,
}

/// <summary>Which NetServer call finds persons by e-mail.</summary>
public enum EmailLookup
{
    /// <summary><c>EMail.FindAddress</c>: exact address, every match.</summary>
    FindAddress = 0,

    /// <summary>The Archive <c>Person</c> provider, for Online tenants without the EMail agent.</summary>
    ArchivePerson = 1,
}

/// <summary>A person found by an e-mail lookup.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-person-match")]
public sealed record CrmPersonMatch(
    [property: Id(0)] int PersonId,
    [property: Id(1)] string? PersonName,
    [property: Id(2)] int? CompanyId,
    [property: Id(3)] string? CompanyName,
    [property: Id(4)] string Email);

/// <summary>A SuperOffice person with what Relay needs of its company.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-person")]
public sealed record CrmPerson(
    [property: Id(0)] int PersonId,
    [property: Id(1)] string? FirstName,
    [property: Id(2)] string? LastName,
    [property: Id(3)] string? Email,
    [property: Id(4)] int? CompanyId,
    [property: Id(5)] string? CompanyName,
    [property: Id(6)] int? CompanyAssociateId)
{
    /// <summary>The id pair NetServer's membership calls take.</summary>
    public CrmPersonRef Ref => new(PersonId, CompanyId);
}

/// <summary>A person and its company, as membership calls address it.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-person-ref")]
public sealed record CrmPersonRef([property: Id(0)] int PersonId, [property: Id(1)] int? CompanyId);

/// <summary>A company to create, with the mapped fields.</summary>
[GenerateSerializer, Immutable, Alias("relay.new-company")]
public sealed record NewCompany(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Country,
    [property: Id(2)] string? Category,
    [property: Id(3)] string? Industry,
    [property: Id(4)] string? OrgNr = null);

/// <summary>A person to create, with the mapped fields.</summary>
[GenerateSerializer, Immutable, Alias("relay.new-person")]
public sealed record NewPerson(
    [property: Id(0)] string? FirstName,
    [property: Id(1)] string? LastName,
    [property: Id(2)] string? Email,
    [property: Id(3)] string? Phone,
    [property: Id(4)] string? Mobile,
    [property: Id(5)] string? Title,
    [property: Id(6)] int? CompanyId);

/// <summary>A sale to create. <see cref="Reference"/> is stored in the sale's text.</summary>
[GenerateSerializer, Immutable, Alias("relay.new-sale")]
public sealed record NewSale(
    [property: Id(0)] CrmPersonRef Person,
    [property: Id(1)] string Heading,
    [property: Id(2)] double Amount,
    [property: Id(3)] int? SaleTypeId,
    [property: Id(4)] int Probability,
    [property: Id(5)] int? OwnerAssociateId,
    [property: Id(6)] string Reference,
    [property: Id(7)] DateTimeOffset SaleDate);

/// <summary>
/// An appointment to create: a pending task (<see cref="Completed"/> false: in the checklist, not
/// started) or a completed activity that notifies the sales rep. <see cref="Reference"/> is stored in
/// its description.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.new-appointment")]
public sealed record NewAppointment(
    [property: Id(0)] CrmPersonRef Person,
    [property: Id(1)] int? TaskTypeId,
    [property: Id(2)] string Description,
    [property: Id(3)] DateTimeOffset Date,
    [property: Id(4)] bool Completed,
    [property: Id(5)] int? OwnerAssociateId,
    [property: Id(6)] string Reference);

/// <summary>The kinds of object Relay creates and may have to find again.</summary>
public enum CrmObjectKind
{
    /// <summary>A sale.</summary>
    Sale = 0,

    /// <summary>An appointment: task or completed activity.</summary>
    Appointment = 1,
}

/// <summary>An object Relay created, found again by its reference.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-created-object")]
public sealed record CrmCreatedObject([property: Id(0)] CrmObjectKind Kind, [property: Id(1)] int Id);
