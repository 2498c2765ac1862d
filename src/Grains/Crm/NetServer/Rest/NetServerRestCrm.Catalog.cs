using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using static Relay.Crm.NetServer.NetServerQueries;
using static Relay.Crm.NetServer.Rest.RestJson;

namespace Relay.Crm.NetServer.Rest;

/// <summary>
/// The REST adapter's look-ups: companies, member lists, pick lists, person search and users (<see cref="ICrmCatalog"/>),
/// and consents (<see cref="ICrmConsents"/>), with the same queries as the SOAP adapter.
/// </summary>
public sealed partial class NetServerRestCrm : ICrmCatalog, ICrmConsents
{
    public async Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default)
    {
        // The rows of each criterion's query are merged.
        var found = new List<CrmCompany>();
        foreach (var query in CompanyQueries(search))
        {
            found.AddRange(Companies(await ArchiveAsync(connection, "Contact", CompanyColumns, [query], page: 0, pageSize: Math.Clamp(max, 1, 100), cancellationToken).ConfigureAwait(false)));
        }

        return [.. found.DistinctBy(c => c.CompanyId)];
    }

    public Task<IReadOnlyList<CrmListItem>> GetCountriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => ListItemsAsync(connection, "Countries", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetCategoriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => ListItemsAsync(connection, "Categories", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetBusinessesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => ListItemsAsync(connection, "Businesses", cancellationToken);

    /// <summary>The id of the list item named <paramref name="value"/> (or, for a country, with that ISO code), or null.</summary>
    private async Task<int?> FindListItemAsync(CrmConnection connection, string list, string value, CancellationToken cancellationToken) =>
        FindListItem(await ListItemsAsync(connection, list, cancellationToken).ConfigureAwait(false), value);

    /// <summary>One of the <c>List</c> agent's lists, cached per tenant.</summary>
    private Task<IReadOnlyList<CrmListItem>> ListItemsAsync(CrmConnection connection, string list, CancellationToken cancellationToken) =>
        _lists.GetAsync(connection.TenantId, list, async () =>
        {
            var json = await CallAsync(connection, "List", "Get" + list, body: null, write: false, null, cancellationToken).ConfigureAwait(false);
            return list == "Countries"
                ? [.. Items(json).Select(c => new CrmListItem(Int(c, "CountryId"), Str(c, "Name") ?? string.Empty, Str(c, "TwoLetterISOCountry")))]
                : [.. Items(json).Select(c => new CrmListItem(Int(c, "Id"), Str(c, "Value") ?? string.Empty))];
        });

    public async Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default)
    {
        var rows = await ArchiveAsync(connection, "Person", PersonColumns, [PersonSearch(text)], page: 0, pageSize: Math.Clamp(max, 1, 100), cancellationToken).ConfigureAwait(false);
        return Persons(rows, "");
    }

    public Task<CrmPage<CrmMember>> GetSelectionMembersAsync(CrmConnection connection, int selectionId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        MembersAsync(connection, "SelectionMember", "selectionId", selectionId, page, pageSize, cancellationToken);

    public Task<CrmPage<CrmMember>> GetProjectMembersAsync(CrmConnection connection, int projectId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        MembersAsync(connection, "ProjectMember", "projectId", projectId, page, pageSize, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetAssociatesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => MdoListAsync(connection, "associate", cancellationToken);

    public async Task<IReadOnlyList<CrmListItem>> GetUserGroupsAsync(CrmConnection connection, CancellationToken cancellationToken = default)
    {
        var json = await CallAsync(connection, "User", "GetAllUserGroups", new JsonObject { ["IncludeDeleted"] = false }, write: false, null, cancellationToken).ConfigureAwait(false);
        return [.. Items(json).Select(g => new CrmListItem(Int(g, "Id"), Str(g, "Value") ?? string.Empty))];
    }

    public Task<IReadOnlyList<CrmListItem>> GetInterestsAsync(CrmConnection connection, CancellationToken cancellationToken = default) => MdoListAsync(connection, "persinterest", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSelectionsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ArchiveListAsync(connection, "Selection", "selectionId", "name", "selectionType", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetProjectsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ArchiveListAsync(connection, "Project", "projectId", "name", null, cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSaleTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => MdoListAsync(connection, "saletype", cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetTaskTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) => MdoListAsync(connection, "task", cancellationToken);

    /// <summary>
    /// The user whose ticket this is: <c>GET {api}/v1/User/currentPrincipal</c> with the ticket (the REST web API has no
    /// <c>SoPrincipal</c> agent). A ticket NetServer refuses is no user.
    /// </summary>
    public async Task<CrmUser?> ResolveUserTicketAsync(CrmConnection connection, string userTicket, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userTicket))
        {
            return null;
        }

        try
        {
            var (_, principal) = await CurrentPrincipalAsync(connection.AsUser(userTicket.Trim()), cancellationToken).ConfigureAwait(false);
            return principal is null ? null : ToUser(principal);
        }
        catch (CrmException e) when (e.ErrorType == "UserTicketRejected")
        {
            return null;
        }
    }

    public async Task<CrmSignInCheck> CheckSignInAsync(CrmConnection connection, CancellationToken cancellationToken = default)
    {
        // Onsite every call carries the stored user name and password, so a changed password shows at once; Online, the
        // system user's sign-in, whose ticket then names the user.
        var started = Stopwatch.GetTimestamp();
        var (endpoint, principal) = await CurrentPrincipalAsync(connection, cancellationToken).ConfigureAwait(false);
        var signInTime = Stopwatch.GetElapsedTime(started);
        var user = ToUser(principal ?? throw new CrmException(CrmErrorKind.Permanent, "AuthenticationFailed", "NetServer answered without a user."));
        var names = (await GetUserGroupsAsync(connection, cancellationToken).ConfigureAwait(false)).ToDictionary(g => g.Id, g => g.Name);
        return new CrmSignInCheck(
            user,
            [.. user.GroupIds.Select(id => new CrmListItem(id, names.GetValueOrDefault(id) ?? $"Group {id}"))],
            "REST v1",
            endpoint.ApiRoot + "/v1",
            signInTime);
    }

    private Task<(NetServerRestEndpoint Endpoint, JsonNode? Principal)> CurrentPrincipalAsync(CrmConnection connection, CancellationToken cancellationToken) =>
        AtTenantAsync(
            connection,
            async (endpoint, applicationToken) =>
            {
                const string Call = "NetServer REST User/currentPrincipal";
                var reply = await SendAsAsync(connection, endpoint, applicationToken, () => new HttpRequestMessage(HttpMethod.Get, endpoint.CurrentPrincipalUrl), Call, write: false, cancellationToken)
                    .ConfigureAwait(false);
                return reply.Succeeded ? (endpoint, reply.Json) : throw Failure(reply, "User", "currentPrincipal", null);
            },
            cancellationToken);

    /// <summary>The user a principal carrier names, with its primary group first.</summary>
    private static CrmUser ToUser(JsonNode principal)
    {
        var primaryGroup = Int(principal, "GroupId");
        var groups = new List<int> { primaryGroup };
        groups.AddRange(Items(principal, "SecondaryGroups").Select(g => int.TryParse(Text(g), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0));
        return new CrmUser(
            Int(principal, "AssociateId"),
            Str(principal, "Associate"),
            Str(principal, "FullName"),
            primaryGroup,
            [.. groups.Distinct()],
            Str(principal, "DatabaseContextIdentifier"));
    }

    private async Task<CrmPage<CrmMember>> MembersAsync(CrmConnection connection, string provider, string keyColumn, int id, int page, int pageSize, CancellationToken cancellationToken)
    {
        CheckPage(page, pageSize);
        var rows = await ArchiveAsync(connection, provider, MemberColumns, [(keyColumn, "equals", NetServerXml.Format(id))], page, pageSize, cancellationToken).ConfigureAwait(false);
        var members = Members(rows);

        // Find reports how many rows a provider has for one owner.
        int? total = page == 0
            ? Int(await FindAsync(connection, provider, (keyColumn, "equals", NetServerXml.Format(id)), "personId", 1, provider + "NotFound", cancellationToken).ConfigureAwait(false), "RowCount")
            : null;
        return new CrmPage<CrmMember>(members, page, pageSize, rows.Count == pageSize, total);
    }

    private Task<IReadOnlyList<CrmListItem>> ArchiveListAsync(CrmConnection connection, string provider, string idColumn, string nameColumn, string? kindColumn, CancellationToken cancellationToken) =>
        AllRowsAsync((columns, restriction, page, pageSize) => ArchiveAsync(connection, provider, columns, [restriction], page, pageSize, cancellationToken), idColumn, nameColumn, kindColumn);

    private async Task<IReadOnlyList<CrmListItem>> MdoListAsync(CrmConnection connection, string list, CancellationToken cancellationToken)
    {
        var json = await CallAsync(
            connection,
            "MDO",
            "GetList",
            new JsonObject { ["Name"] = list, ["ForceFlatList"] = true, ["AdditionalInfo"] = string.Empty, ["OnlyHistory"] = false },
            write: false,
            null,
            cancellationToken).ConfigureAwait(false);

        // Lists may still come as a tree of headings; the leaves are the items.
        static IEnumerable<JsonNode> Leaves(JsonNode item) =>
            Items(item, "ChildItems").ToList() is { Count: > 0 } children ? children.SelectMany(Leaves) : [item];
        return [.. Items(json).SelectMany(Leaves)
            .Where(i => !Bool(i, "Deleted"))
            .Select(i => new CrmListItem(Int(i, "Id"), Str(i, "Name") ?? string.Empty))];
    }

    public async Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default) =>
        await CallAsync(
            connection,
            "Person",
            "SetConsent",
            new JsonObject
            {
                ["PersonId"] = personId,
                ["Purpose"] = consent.PurposeKey,
                ["Source"] = consent.SourceKey ?? string.Empty,
                ["LegalBase"] = consent.LegalBaseKey,
                ["Comment"] = consent.Comment ?? string.Empty,
            },
            write: true,
            "PersonNotFound",
            cancellationToken).ConfigureAwait(false);

    public async Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default) =>
        await CallAsync(connection, "Person", "RemoveConsent", new JsonObject { ["PersonId"] = personId, ["Purpose"] = purposeKey }, write: true, "PersonNotFound", cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The person's consents. The REST web API always offers the server's newest agents, so consents need no services
    /// version here (the SOAP adapter refuses them on Services75).
    /// </summary>
    public async Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default)
    {
        var json = await CallAsync(connection, "Person", "GetConsentInfos", new JsonObject { ["PersonId"] = personId }, write: false, "PersonNotFound", cancellationToken).ConfigureAwait(false);
        return [.. Items(json)
            .Where(i => !string.IsNullOrEmpty(Str(i, "ConsentPurposeKey")))
            .Select(i => new CrmConsentInfo(Str(i, "ConsentPurposeKey")!, Str(i, "LegalBaseKey"), Str(i, "ConsentSourceKey"), Str(i, "Comment"), UtcDate(Str(i, "Registered")), UtcDate(Str(i, "Updated"))))];
    }
}
