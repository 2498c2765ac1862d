using Relay.Crm.NetServer.Rest;

namespace Relay.Crm.NetServer;

/// <summary>
/// The CRM port for SuperOffice NetServer, speaking to each tenant in the protocol its settings choose
/// (<see cref="CrmConnection.Protocol"/>): SOAP through <see cref="NetServerCrm"/>, the REST web API through
/// <see cref="NetServerRestCrm"/>. The choice is read on every call, so a tenant switched between them goes on with its
/// next call; both mark created objects with the same reference, so work begun in one is found by the other.
/// </summary>
public sealed class NetServerProtocols(NetServerCrm soap, NetServerRestCrm rest) : ICrm, ICrmCatalog, ICrmConsents
{
    private ICrm Crm(CrmConnection connection) => connection.Protocol == CrmProtocol.Rest ? rest : soap;

    private ICrmCatalog Catalog(CrmConnection connection) => connection.Protocol == CrmProtocol.Rest ? rest : soap;

    private ICrmConsents Consents(CrmConnection connection) => connection.Protocol == CrmProtocol.Rest ? rest : soap;

    public Task<IReadOnlyList<CrmPersonMatch>> FindPersonsByEmailAsync(CrmConnection connection, string email, CancellationToken cancellationToken = default) =>
        Crm(connection).FindPersonsByEmailAsync(connection, email, cancellationToken);

    public Task<CrmPerson?> GetPersonAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        Crm(connection).GetPersonAsync(connection, personId, cancellationToken);

    public Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default) =>
        Crm(connection).FindCompaniesAsync(connection, search, max, cancellationToken);

    public Task<int> CreateCompanyAsync(CrmConnection connection, NewCompany company, CancellationToken cancellationToken = default) =>
        Crm(connection).CreateCompanyAsync(connection, company, cancellationToken);

    public Task<CrmPerson> CreatePersonAsync(CrmConnection connection, NewPerson person, CancellationToken cancellationToken = default) =>
        Crm(connection).CreatePersonAsync(connection, person, cancellationToken);

    public Task<int> CreateSaleAsync(CrmConnection connection, NewSale sale, CancellationToken cancellationToken = default) =>
        Crm(connection).CreateSaleAsync(connection, sale, cancellationToken);

    public Task<int> CreateAppointmentAsync(CrmConnection connection, NewAppointment appointment, CancellationToken cancellationToken = default) =>
        Crm(connection).CreateAppointmentAsync(connection, appointment, cancellationToken);

    public Task<CrmCreatedObject?> FindCreatedObjectAsync(CrmConnection connection, CrmObjectKind kind, string reference, CancellationToken cancellationToken = default) =>
        Crm(connection).FindCreatedObjectAsync(connection, kind, reference, cancellationToken);

    public Task SetSelectionMembershipAsync(CrmConnection connection, int selectionId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        Crm(connection).SetSelectionMembershipAsync(connection, selectionId, person, member, cancellationToken);

    public Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        Crm(connection).SetProjectMembershipAsync(connection, projectId, person, member, cancellationToken);

    public Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default) =>
        Crm(connection).SetPersonInterestAsync(connection, personId, interestId, selected, cancellationToken);

    public Task<CrmPage<CrmMember>> GetSelectionMembersAsync(CrmConnection connection, int selectionId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetSelectionMembersAsync(connection, selectionId, page, pageSize, cancellationToken);

    public Task<CrmPage<CrmMember>> GetProjectMembersAsync(CrmConnection connection, int projectId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetProjectMembersAsync(connection, projectId, page, pageSize, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetAssociatesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetAssociatesAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetUserGroupsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetUserGroupsAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetInterestsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetInterestsAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSelectionsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetSelectionsAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetProjectsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetProjectsAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSaleTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetSaleTypesAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetTaskTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetTaskTypesAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetCountriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetCountriesAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetCategoriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetCategoriesAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetBusinessesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).GetBusinessesAsync(connection, cancellationToken);

    public Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default) =>
        Catalog(connection).SearchPersonsAsync(connection, text, max, cancellationToken);

    public Task<CrmUser?> ResolveUserTicketAsync(CrmConnection connection, string userTicket, CancellationToken cancellationToken = default) =>
        Catalog(connection).ResolveUserTicketAsync(connection, userTicket, cancellationToken);

    public Task<CrmSignInCheck> CheckSignInAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Catalog(connection).CheckSignInAsync(connection, cancellationToken);

    public Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default) =>
        Consents(connection).SetConsentAsync(connection, personId, consent, cancellationToken);

    public Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default) =>
        Consents(connection).RemoveConsentAsync(connection, personId, purposeKey, cancellationToken);

    public Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        Consents(connection).GetConsentsAsync(connection, personId, cancellationToken);
}
