namespace Relay.Crm;

/// <summary>
/// What admin pages, imports and panel authentication read from SuperOffice besides the contact pipeline:
/// member lists of selections and projects, pick lists, and who a user's ticket belongs to.
/// </summary>
/// <remarks>Every method may throw <see cref="CrmException"/>, classified like <see cref="ICrm"/>'s.</remarks>
public interface ICrmCatalog
{
    /// <summary>One page (zero-based) of a selection's members (static or dynamic), in SuperOffice's member order; page 0 carries the total.</summary>
    Task<CrmPage<CrmMember>> GetSelectionMembersAsync(CrmConnection connection, int selectionId, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>One page (zero-based) of a project's members, in SuperOffice's member order; page 0 carries the total.</summary>
    Task<CrmPage<CrmMember>> GetProjectMembersAsync(CrmConnection connection, int projectId, int page, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>SuperOffice users (associates), for owner pickers.</summary>
    Task<IReadOnlyList<CrmListItem>> GetAssociatesAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>User groups, for panel access rules.</summary>
    Task<IReadOnlyList<CrmListItem>> GetUserGroupsAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Person interests.</summary>
    Task<IReadOnlyList<CrmListItem>> GetInterestsAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Selections; <see cref="CrmListItem.Kind"/> is the selection type (<c>Static</c>, <c>Dynamic</c>, <c>Combined</c>).</summary>
    Task<IReadOnlyList<CrmListItem>> GetSelectionsAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Projects.</summary>
    Task<IReadOnlyList<CrmListItem>> GetProjectsAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Sale types.</summary>
    Task<IReadOnlyList<CrmListItem>> GetSaleTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Task (activity) types.</summary>
    Task<IReadOnlyList<CrmListItem>> GetTaskTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Countries; <see cref="CrmListItem.Kind"/> is the two-letter ISO code.</summary>
    Task<IReadOnlyList<CrmListItem>> GetCountriesAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Company categories.</summary>
    Task<IReadOnlyList<CrmListItem>> GetCategoriesAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Businesses (SuperOffice's industry list).</summary>
    Task<IReadOnlyList<CrmListItem>> GetBusinessesAsync(CrmConnection connection, CancellationToken cancellationToken = default);

    /// <summary>
    /// Persons whose e-mail (when <paramref name="text"/> holds '@') or full name contains the text, at most
    /// <paramref name="max"/>; for sales choosing the person a lead is. At least 3 characters, as SuperOffice asks.
    /// </summary>
    Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Who a user's NetServer ticket (the panel's <c>usec</c>) belongs to, or null when the ticket is not valid.
    /// The ticket is checked against the tenant's own NetServer, so a forged one is refused.
    /// </summary>
    Task<CrmUser?> ResolveUserTicketAsync(CrmConnection connection, string userTicket, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs in afresh with the tenant's own credentials (not a cached ticket) and says who Relay is there: the user, its
    /// groups by name, the services version and how long the sign-in took. A refused sign-in fails permanently
    /// (<c>AuthenticationFailed</c>); for the console's connection test.
    /// </summary>
    Task<CrmSignInCheck> CheckSignInAsync(CrmConnection connection, CancellationToken cancellationToken = default);
}

/// <summary>What a fresh sign-in to the tenant's CRM showed: the user, its groups, the services version and endpoint, and the sign-in's round trip.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-sign-in-check")]
public sealed record CrmSignInCheck(
    [property: Id(0)] CrmUser User,
    [property: Id(1)] IReadOnlyList<CrmListItem> Groups,
    [property: Id(2)] string ServicesVersion,
    [property: Id(3)] string Endpoint,
    [property: Id(4)] TimeSpan SignInTime);

/// <summary>
/// One page of a longer list; <see cref="HasMore"/> says whether the next page may have rows. <see cref="Total"/>
/// is the number of rows in the whole list when the implementation knows it (member lists: on page 0).
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.crm-page`1")]
public sealed record CrmPage<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] int Page,
    [property: Id(2)] int PageSize,
    [property: Id(3)] bool HasMore,
    [property: Id(4)] int? Total = null);

/// <summary>
/// A member of a selection or project: a person and its company, with the mapped fields an import
/// carries into eMarketeer's address list.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.crm-member")]
public sealed record CrmMember(
    [property: Id(0)] int PersonId,
    [property: Id(1)] int? CompanyId,
    [property: Id(2)] string? FirstName,
    [property: Id(3)] string? LastName,
    [property: Id(4)] string? Email,
    [property: Id(5)] string? CompanyName,
    [property: Id(6)] string? Phone = null,
    [property: Id(7)] string? Mobile = null,
    [property: Id(8)] string? Title = null,
    [property: Id(9)] string? Country = null,
    [property: Id(10)] string? Category = null,
    [property: Id(11)] string? Industry = null);

/// <summary>An entry of a SuperOffice list (associate, user group, interest, selection, project, sale type, task type).</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-list-item")]
public sealed record CrmListItem(
    [property: Id(0)] int Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Kind = null);

/// <summary>The SuperOffice user behind a ticket.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-user")]
public sealed record CrmUser(
    [property: Id(0)] int AssociateId,
    [property: Id(1)] string? UserName,
    [property: Id(2)] string? FullName,
    [property: Id(3)] int PrimaryGroupId,
    [property: Id(4)] IReadOnlyList<int> GroupIds,
    [property: Id(5)] string? ContextIdentifier);
