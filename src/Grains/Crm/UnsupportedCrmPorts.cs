namespace Relay.Crm;

/// <summary>
/// The catalog and consent ports of a CRM that has neither (the in-memory CRM): every call fails permanently and says
/// so, so a grain that needs them parks or reports the reason instead of waiting for a service that never comes.
/// </summary>
public sealed class UnsupportedCrmPorts : ICrmCatalog, ICrmConsents
{
    /// <summary>The <see cref="CrmException.ErrorType"/> of every call.</summary>
    public const string ErrorType = "NotSupportedByCrm";

    public Task<CrmPage<CrmMember>> GetSelectionMembersAsync(CrmConnection connection, int selectionId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        Refuse<CrmPage<CrmMember>>("list selection members");

    public Task<CrmPage<CrmMember>> GetProjectMembersAsync(CrmConnection connection, int projectId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        Refuse<CrmPage<CrmMember>>("list project members");

    public Task<IReadOnlyList<CrmListItem>> GetAssociatesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list associates");

    public Task<IReadOnlyList<CrmListItem>> GetUserGroupsAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list user groups");

    public Task<IReadOnlyList<CrmListItem>> GetInterestsAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list interests");

    public Task<IReadOnlyList<CrmListItem>> GetSelectionsAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list selections");

    public Task<IReadOnlyList<CrmListItem>> GetProjectsAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list projects");

    public Task<IReadOnlyList<CrmListItem>> GetSaleTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list sale types");

    public Task<IReadOnlyList<CrmListItem>> GetTaskTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list task types");

    public Task<IReadOnlyList<CrmListItem>> GetCountriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list countries");

    public Task<IReadOnlyList<CrmListItem>> GetCategoriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list categories");

    public Task<IReadOnlyList<CrmListItem>> GetBusinessesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => RefuseList("list businesses");

    public Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default) =>
        Refuse<IReadOnlyList<CrmPersonMatch>>("search persons");

    public Task<CrmUser?> ResolveUserTicketAsync(CrmConnection connection, string userTicket, CancellationToken cancellationToken = default) =>
        Refuse<CrmUser?>("check user tickets");

    public Task<CrmSignInCheck> CheckSignInAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        Refuse<CrmSignInCheck>("sign in to test the connection");

    public Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default) =>
        Refuse<bool>("register consents");

    public Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default) =>
        Refuse<bool>("remove consents");

    public Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        Refuse<IReadOnlyList<CrmConsentInfo>>("read consents");

    private static Task<IReadOnlyList<CrmListItem>> RefuseList(string what) => Refuse<IReadOnlyList<CrmListItem>>(what);

    private static Task<T> Refuse<T>(string what) => Task.FromException<T>(new CrmException(
        CrmErrorKind.Permanent, ErrorType, $"This Relay's CRM cannot {what}: it runs with the in-memory CRM (Relay:Crm:Mode=InMemory); use NetServer for it."));
}
