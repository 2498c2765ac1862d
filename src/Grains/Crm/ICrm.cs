namespace Relay.Crm;

/// <summary>
/// The CRM port: everything Relay asks of SuperOffice. The NetServer SOAP adapter fulfils it in
/// production; an in-memory implementation serves tests. Cross-cutting behaviour (logging, metrics,
/// retries, rate limits) is added as decorators, never inside an implementation.
/// </summary>
/// <remarks>
/// Every method may throw <see cref="CrmException"/>, whose <see cref="CrmException.Kind"/> says whether
/// a retry can help. Creates of sales and appointments are not idempotent in SuperOffice: callers pass a
/// <c>Reference</c> that the implementation stores in the object's text so an uncertain outcome can be
/// checked before any retry.
/// </remarks>
public interface ICrm
{
    /// <summary>All persons whose e-mail address is exactly <paramref name="email"/>; several are possible.</summary>
    Task<IReadOnlyList<CrmPersonMatch>> FindPersonsByEmailAsync(CrmConnection connection, string email, CancellationToken cancellationToken = default);

    /// <summary>The person with its company, or null when it does not exist (deleted or never did).</summary>
    Task<CrmPerson?> GetPersonAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Companies (SuperOffice "contacts") whose name contains the search's term, whose organisation number is the
    /// search's, or whose web address or e-mail contains its domain: any of them, at most <paramref name="max"/> per
    /// criterion. A wide net: <see cref="CompanyMatcher"/> decides which really match.
    /// </summary>
    Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default);

    /// <summary>Creates a company (SuperOffice "contact") and returns its id.</summary>
    Task<int> CreateCompanyAsync(CrmConnection connection, NewCompany company, CancellationToken cancellationToken = default);

    /// <summary>Creates a person, optionally under a company, and returns it.</summary>
    Task<CrmPerson> CreatePersonAsync(CrmConnection connection, NewPerson person, CancellationToken cancellationToken = default);

    /// <summary>Creates a sale and returns its id.</summary>
    Task<int> CreateSaleAsync(CrmConnection connection, NewSale sale, CancellationToken cancellationToken = default);

    /// <summary>Creates an appointment (a pending task or a completed activity) and returns its id.</summary>
    Task<int> CreateAppointmentAsync(CrmConnection connection, NewAppointment appointment, CancellationToken cancellationToken = default);

    /// <summary>Looks up a sale or appointment Relay created earlier, by the reference stored in its text.</summary>
    Task<CrmCreatedObject?> FindCreatedObjectAsync(CrmConnection connection, CrmObjectKind kind, string reference, CancellationToken cancellationToken = default);

    /// <summary>Adds the person to a static selection, or removes it. Repeating it changes nothing.</summary>
    Task SetSelectionMembershipAsync(CrmConnection connection, int selectionId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default);

    /// <summary>Adds the person to a project, or removes it. Repeating it changes nothing.</summary>
    Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default);

    /// <summary>Selects or deselects one of the person's interests. Repeating it changes nothing.</summary>
    Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default);
}
