using System.Xml.Linq;
using static Relay.Crm.NetServer.NetServerQueries;
using static Relay.Crm.NetServer.NetServerXml;

namespace Relay.Crm.NetServer;

/// <summary>The NetServer adapter's <see cref="ICrmCatalog"/> part: member lists, pick lists, person search and user tickets.</summary>
public sealed partial class NetServerCrm : ICrmCatalog
{
    public async Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default)
    {
        var rows = await ArchiveAsync(connection, "Person", PersonColumns, [PersonSearch(text)], page: 0, pageSize: Math.Clamp(max, 1, 100), cancellationToken).ConfigureAwait(false);
        return Persons(rows, "");
    }

    public Task<CrmPage<CrmMember>> GetSelectionMembersAsync(CrmConnection connection, int selectionId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        MembersAsync(connection, "SelectionMember", "selectionId", selectionId, page, pageSize, cancellationToken);

    public Task<CrmPage<CrmMember>> GetProjectMembersAsync(CrmConnection connection, int projectId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        MembersAsync(connection, "ProjectMember", "projectId", projectId, page, pageSize, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetAssociatesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        MdoListAsync(connection, "associate", cancellationToken);

    public async Task<IReadOnlyList<CrmListItem>> GetUserGroupsAsync(CrmConnection connection, CancellationToken cancellationToken = default)
    {
        var body = await CallAsync(connection, "User", "GetAllUserGroups", ns => [new XElement(ns + "IncludeDeleted", "false")], write: false, null, cancellationToken)
            .ConfigureAwait(false);
        return [.. body.Child("Response").Children("UserGroup").Select(g => new CrmListItem(g.Number("Id"), g.Text("Value") ?? string.Empty))];
    }

    public Task<IReadOnlyList<CrmListItem>> GetInterestsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        MdoListAsync(connection, "persinterest", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSelectionsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ArchiveListAsync(connection, "Selection", "selectionId", "name", "selectionType", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetProjectsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ArchiveListAsync(connection, "Project", "projectId", "name", null, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSaleTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        MdoListAsync(connection, "saletype", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetTaskTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        MdoListAsync(connection, "task", cancellationToken);

    public async Task<CrmUser?> ResolveUserTicketAsync(CrmConnection connection, string userTicket, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userTicket))
        {
            return null;
        }

        // NetServer accepts a ticket as the user name with a blank password and answers with that user's principal.
        var login = await AtTenantAsync(
            connection,
            (endpoint, applicationToken) => _sessions.LoginAsync(connection, endpoint, applicationToken, userTicket.Trim(), string.Empty, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return login.Ticket is null || login.Principal is not { } principal ? null : ToUser(principal);
    }

    public async Task<CrmSignInCheck> CheckSignInAsync(CrmConnection connection, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (endpoint, principal) = await AtTenantAsync(
            connection,
            async (endpoint, applicationToken) =>
            {
                // Onsite: the stored user name and password, never the cached ticket, so a changed password shows at once.
                // Online: the system user's sign-in; its ticket then names the user as a user's ticket does.
                var login = connection.Online is null
                    ? await _sessions.LoginAsync(connection, endpoint, applicationToken, connection.UserName, connection.Password, cancellationToken).ConfigureAwait(false)
                    : await _sessions.LoginAsync(
                        connection, endpoint, applicationToken, await _sessions.GetTicketAsync(connection, endpoint, cancellationToken).ConfigureAwait(false), string.Empty, cancellationToken).ConfigureAwait(false);
                return (endpoint, login.Principal ?? throw new CrmException(
                    CrmErrorKind.Permanent,
                    "AuthenticationFailed",
                    connection.Online is null
                        ? $"NetServer refused the user name or password (user '{connection.UserName}')."
                        : "NetServer refused the system user's ticket."));
            },
            cancellationToken).ConfigureAwait(false);
        var signInTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        var user = ToUser(principal);
        var names = (await GetUserGroupsAsync(connection, cancellationToken).ConfigureAwait(false)).ToDictionary(g => g.Id, g => g.Name);
        return new CrmSignInCheck(
            user,
            [.. user.GroupIds.Select(id => new CrmListItem(id, names.GetValueOrDefault(id) ?? $"Group {id}"))],
            "Services" + endpoint.Version,
            endpoint.BaseUrl,
            signInTime);
    }

    /// <summary>The user a NetServer principal (the <c>Response</c> of a sign-in) names, with its primary group first.</summary>
    private static CrmUser ToUser(XElement principal)
    {
        var primaryGroup = principal.Number("GroupId");
        var groups = new List<int> { primaryGroup };
        groups.AddRange(principal.Child("SecondaryGroups").Children("int").Select(e => int.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture)));
        return new CrmUser(
            principal.Number("AssociateId"),
            principal.Text("Associate"),
            principal.Text("FullName"),
            primaryGroup,
            [.. groups.Distinct()],
            principal.Text("DatabaseContextIdentifier"));
    }

    private async Task<CrmPage<CrmMember>> MembersAsync(CrmConnection connection, string provider, string keyColumn, int id, int page, int pageSize, CancellationToken cancellationToken)
    {
        CheckPage(page, pageSize);
        var rows = await ArchiveAsync(
            connection, provider, MemberColumns, [(keyColumn, "equals", Format(id))], page, pageSize, cancellationToken).ConfigureAwait(false);
        var members = Members(rows);
        var total = page == 0 ? await CountAsync(connection, provider, keyColumn, id, cancellationToken).ConfigureAwait(false) : (int?)null;
        return new CrmPage<CrmMember>(members, page, pageSize, rows.Count == pageSize, total);
    }

    /// <summary>How many rows a provider has for one owner: <c>Find.FindFromRestrictionsColumns</c> reports <c>RowCount</c>.</summary>
    private async Task<int> CountAsync(CrmConnection connection, string provider, string keyColumn, int id, CancellationToken cancellationToken)
    {
        var body = await FindAsync(connection, provider, (keyColumn, "equals", Format(id)), "personId", 1, provider + "NotFound", cancellationToken).ConfigureAwait(false);
        return body.Child("Response").Number("RowCount");
    }

    private Task<IReadOnlyList<CrmListItem>> ArchiveListAsync(CrmConnection connection, string provider, string idColumn, string nameColumn, string? kindColumn, CancellationToken cancellationToken) =>
        AllRowsAsync((columns, restriction, page, pageSize) => ArchiveAsync(connection, provider, columns, [restriction], page, pageSize, cancellationToken), idColumn, nameColumn, kindColumn);

    private async Task<IReadOnlyList<CrmListItem>> MdoListAsync(CrmConnection connection, string list, CancellationToken cancellationToken)
    {
        var body = await CallAsync(
            connection,
            "MDO",
            "GetList",
            ns =>
            [
                new XElement(ns + "Name", list),
                new XElement(ns + "ForceFlatList", "true"),
                new XElement(ns + "AdditionalInfo", string.Empty),
                new XElement(ns + "OnlyHistory", "false"),
            ],
            write: false,
            null,
            cancellationToken).ConfigureAwait(false);

        // Lists may still come as a tree of headings; the leaves are the items.
        static IEnumerable<XElement> Leaves(XElement item) =>
            item.Child("ChildItems").Children("MDOListItem").ToList() is { Count: > 0 } children ? children.SelectMany(Leaves) : [item];
        return [.. body.Child("Response").Children("MDOListItem").SelectMany(Leaves)
            .Where(i => i.Text("Deleted") != "true")
            .Select(i => new CrmListItem(i.Number("Id"), i.Text("Name") ?? string.Empty))];
    }
}
