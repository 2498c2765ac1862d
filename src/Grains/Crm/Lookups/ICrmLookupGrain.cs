namespace Relay.Crm.Lookups;

/// <summary>
/// The SuperOffice look-ups a people-facing host needs — who a panel's ticket belongs to, persons to link a lead
/// to, pick lists — answered on a silo with the tenant's own connection, so the web host is a plain cluster client
/// that holds no CRM adapter and no SuperOffice credentials. Key: the tenant id.
/// </summary>
/// <remarks>Failures are <see cref="CrmException"/>s, classified as the CRM port classifies them.</remarks>
[Alias("relay.ICrmLookupGrain")]
public interface ICrmLookupGrain : IGrainWithStringKey
{
    /// <summary>
    /// The user behind a NetServer ticket (a panel's <c>usec</c>), or null when the ticket is not valid. Admitted by the
    /// tenant's <see cref="ITicketCheckGrain"/>: a ticket refused lately is null at once, and when the tenant's slice for
    /// ticket checks is spent this throws a transient <see cref="CrmException"/> (<c>TicketChecksBusy</c>) with a <c>RetryAfter</c>.
    /// </summary>
    [Alias("ResolveUserTicket")]
    Task<CrmUser?> ResolveUserTicketAsync(string userTicket, CancellationToken cancellationToken = default);

    /// <summary>
    /// Persons whose e-mail or name contains <paramref name="text"/> (at least 3 characters), at most <paramref name="max"/>;
    /// with a user's ticket, only those that user may see in SuperOffice.
    /// </summary>
    [Alias("SearchPersons")]
    Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(string text, int max, string? userTicket = null, CancellationToken cancellationToken = default);

    /// <summary>A person, or null when there is none; with a user's ticket, also null when that user may not read it.</summary>
    [Alias("GetPerson")]
    Task<CrmPerson?> GetPersonAsync(int personId, string? userTicket = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// An Online tenant's state, asked of its environment now (not from the cache): where it runs and whether it is
    /// paused. A tenant that is not an Online tenant fails permanently (<c>InvalidConfiguration</c>).
    /// </summary>
    [Alias("GetOnlineState")]
    Task<Online.OnlineTenantState> GetOnlineStateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs in to the tenant's NetServer (or as its Online system user) afresh, through the tenant's rate limit, and says
    /// who Relay is there or exactly what failed. A failure is an answer, not an exception.
    /// </summary>
    [Alias("TestConnection")]
    Task<ConnectionTest> TestConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The companies in SuperOffice that match a lead's company name, organisation number and e-mail domain, and what Relay
    /// proposes (<see cref="CompanyMatcher"/>); with a user's ticket, only companies that user may see.
    /// </summary>
    [Alias("ProposeCompany")]
    Task<CompanyProposal> ProposeCompanyAsync(string? companyName, string? orgNr, string? email, string? userTicket = null, CancellationToken cancellationToken = default);

    /// <summary>One of SuperOffice's pick lists, read at bulk priority and reused for up to a minute while the tenant's connection stays the same.</summary>
    [Alias("GetList")]
    Task<IReadOnlyList<CrmListItem>> GetListAsync(CrmList list, CancellationToken cancellationToken = default);

    /// <summary>One of SuperOffice's pick lists as it is now (for a check someone asked for), which also refreshes the copy <see cref="GetListAsync"/> reuses.</summary>
    [Alias("GetFreshList")]
    Task<IReadOnlyList<CrmListItem>> GetFreshListAsync(CrmList list, CancellationToken cancellationToken = default);
}

/// <summary>The SuperOffice lists a person picks from when setting Relay up.</summary>
[GenerateSerializer]
public enum CrmList
{
    /// <summary>Users (associates), for owners.</summary>
    Associates = 0,

    /// <summary>User groups, for panel access.</summary>
    UserGroups = 1,

    /// <summary>Person interests.</summary>
    Interests = 2,

    /// <summary>Selections, with their type.</summary>
    Selections = 3,

    /// <summary>Projects.</summary>
    Projects = 4,

    /// <summary>Sale types.</summary>
    SaleTypes = 5,

    /// <summary>Task (activity) types.</summary>
    TaskTypes = 6,

    /// <summary>Countries (<see cref="CrmListItem.Kind"/> is the ISO code), for a company.</summary>
    Countries = 7,

    /// <summary>Company categories.</summary>
    Categories = 8,

    /// <summary>Businesses: SuperOffice's industry list.</summary>
    Businesses = 9,
}
