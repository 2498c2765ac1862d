using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Relay.Crm.Online;
using static Relay.Crm.NetServer.NetServerQueries;
using static Relay.Crm.NetServer.Rest.RestJson;

namespace Relay.Crm.NetServer.Rest;

/// <summary>
/// The CRM port over SuperOffice's REST web API (<c>/api/v1/Agents/…</c>, JSON), for tenants whose SuperOffice no longer
/// answers SOAP. It makes the same calls as <see cref="NetServerCrm"/> — creates via <c>CreateDefault…Entity</c> +
/// <c>Save…Entity</c>, lookups via <c>EMail</c>, <c>Archive</c> and <c>Find</c>, memberships via <c>Selection</c> and
/// <c>Project</c> — with the same references in created objects, so a tenant can move between the two without a create
/// being made twice, and the same classification of failures.
/// </summary>
public sealed partial class NetServerRestCrm : ICrm, IDisposable
{
    private readonly NetServerOptions _options;
    private readonly IHttpClientFactory? _clients;
    private readonly HttpClient? _ownClient;
    private readonly CrmSecrets _secrets;
    private readonly CrmAddressPolicy _addresses;
    private readonly NetServerSessions _sessions;
    private readonly OnlineCalls _online;
    private readonly List<IDisposable> _owned = [];
    private readonly NetServerListCache _lists;

    /// <summary>
    /// Creates the adapter. With <paramref name="httpClients"/> its client comes from the factory (as registered by
    /// <see cref="NetServerServiceCollectionExtensions.AddNetServerCrm"/>); without, it builds the same handler chain itself.
    /// The other parameters are those of <see cref="NetServerCrm"/>.
    /// </summary>
    public NetServerRestCrm(
        IOptions<NetServerOptions> options,
        IHttpClientFactory? httpClients = null,
        ICrmRequestGate? gate = null,
        CrmSecrets? secrets = null,
        CrmAddressPolicy? addresses = null,
        IOptions<OnlineOptions>? online = null,
        OnlineTenantLocator? locator = null,
        SystemUserSignIn? systemUser = null)
    {
        _options = options.Value;
        _lists = new NetServerListCache(_options);
        _secrets = secrets ?? CrmSecrets.WithoutKeyRing;
        _addresses = addresses ?? new CrmAddressPolicy();
        online ??= Options.Create(new OnlineOptions());
        _clients = httpClients;
        _ownClient = httpClients is null ? NetServerRestHttp.CreateClient(_options, gate, new NetServerConnector(_addresses)) : null;
        _online = new OnlineCalls(locator ?? Own(new OnlineTenantLocator(online, _addresses)), online.Value);
        _sessions = new NetServerSessions(null, _secrets, systemUser ?? Own(new SystemUserSignIn(online, _secrets, _addresses)));
    }

    public async Task<IReadOnlyList<CrmPersonMatch>> FindPersonsByEmailAsync(CrmConnection connection, string email, CancellationToken cancellationToken = default)
    {
        var address = email.Trim();
        if (connection.EmailLookup == EmailLookup.ArchivePerson)
        {
            return Persons(await ArchiveAsync(connection, "Person", PersonColumns, [ByEmail(address)], page: 0, pageSize: 100, cancellationToken).ConfigureAwait(false), address);
        }

        var found = await CallAsync(connection, "EMail", "FindAddress", new JsonObject { ["Address"] = address }, write: false, null, cancellationToken).ConfigureAwait(false);
        return [.. Items(found)
            .Select(e => new CrmPersonMatch(Int(e, "PersonId"), Str(e, "PersonName"), NullIfZero(Int(e, "ContactId")), Str(e, "ContactName"), Str(e, "Address") ?? address))
            .Where(m => m.PersonId > 0)
            .DistinctBy(m => m.PersonId)];
    }

    public async Task<CrmPerson?> GetPersonAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        await GetPersonEntityAsync(connection, personId, cancellationToken).ConfigureAwait(false) is { } entity ? ToPerson(entity) : null;

    public async Task<int> CreateCompanyAsync(CrmConnection connection, NewCompany company, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Contact", cancellationToken).ConfigureAwait(false);
        entity["Name"] = company.Name;
        if (company.OrgNr is { Length: > 0 } orgNr)
        {
            entity["OrgNr"] = orgNr;
        }

        if (company.Country is { Length: > 0 } country
            && await FindListItemAsync(connection, "Countries", country, cancellationToken).ConfigureAwait(false) is { } countryId)
        {
            entity["Country"] = new JsonObject { ["CountryId"] = countryId };
        }

        if (company.Category is { Length: > 0 } category
            && await FindListItemAsync(connection, "Categories", category, cancellationToken).ConfigureAwait(false) is { } categoryId)
        {
            entity["Category"] = new JsonObject { ["Id"] = categoryId };
        }

        if (company.Industry is { Length: > 0 } industry
            && await FindListItemAsync(connection, "Businesses", industry, cancellationToken).ConfigureAwait(false) is { } businessId)
        {
            entity["Business"] = new JsonObject { ["Id"] = businessId };
        }

        var saved = await SaveEntityAsync(connection, "Contact", entity, "CompanyNotFound", cancellationToken).ConfigureAwait(false);
        return Int(saved, "ContactId");
    }

    public async Task<CrmPerson> CreatePersonAsync(CrmConnection connection, NewPerson person, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Person", cancellationToken).ConfigureAwait(false);
        entity["Firstname"] = person.FirstName ?? string.Empty;
        entity["Lastname"] = person.LastName ?? string.Empty;
        entity["Title"] = person.Title ?? string.Empty;
        entity["Emails"] = EntityElements(person.Email);
        entity["MobilePhones"] = EntityElements(person.Mobile);
        entity["OfficePhones"] = EntityElements(person.Phone);
        if (person.CompanyId is { } companyId)
        {
            entity["Contact"] = new JsonObject { ["ContactId"] = companyId };
        }

        return ToPerson(await SaveEntityAsync(connection, "Person", entity, "CompanyNotFound", cancellationToken).ConfigureAwait(false));
    }

    public async Task<int> CreateSaleAsync(CrmConnection connection, NewSale sale, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Sale", cancellationToken).ConfigureAwait(false);
        SetOwnerAndCompany(entity, sale.OwnerAssociateId, sale.Person.CompanyId);
        entity["SaleText"] = NetServerCrm.ReferenceMarker(sale.Reference);
        entity["Person"] = new JsonObject { ["PersonId"] = sale.Person.PersonId };
        entity["Status"] = "Open";
        entity["Saledate"] = NetServerXml.Date(sale.SaleDate);
        entity["Amount"] = sale.Amount;
        entity["Heading"] = sale.Heading;
        entity["Probability"] = Math.Clamp(sale.Probability, 0, 100);
        if (sale.SaleTypeId is { } saleTypeId)
        {
            entity["SaleType"] = new JsonObject { ["Id"] = saleTypeId };
        }

        var saved = await SaveEntityAsync(connection, "Sale", entity, "PersonNotFound", cancellationToken).ConfigureAwait(false);
        return Int(saved, "SaleId");
    }

    public async Task<int> CreateAppointmentAsync(CrmConnection connection, NewAppointment appointment, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Appointment", cancellationToken).ConfigureAwait(false);
        SetOwnerAndCompany(entity, appointment.OwnerAssociateId, appointment.Person.CompanyId);
        entity["Description"] = string.IsNullOrWhiteSpace(appointment.Description)
            ? NetServerCrm.ReferenceMarker(appointment.Reference)
            : appointment.Description.TrimEnd() + "\n" + NetServerCrm.ReferenceMarker(appointment.Reference);
        entity["StartDate"] = NetServerXml.Date(appointment.Date);
        entity["EndDate"] = NetServerXml.Date(appointment.Date);
        entity["Person"] = new JsonObject { ["PersonId"] = appointment.Person.PersonId };

        // A pending task is a follow-up in the checklist; a notification is an activity already done.
        entity["Type"] = appointment.Completed ? "inDiary" : "inChecklist";
        entity["Completed"] = appointment.Completed ? "Completed" : "NotStarted";
        entity["ActiveDate"] = NetServerXml.Date(appointment.Date);
        if (appointment.TaskTypeId is { } taskTypeId)
        {
            entity["Task"] = new JsonObject { ["TaskListItemId"] = taskTypeId };
        }

        var saved = await SaveEntityAsync(connection, "Appointment", entity, "PersonNotFound", cancellationToken).ConfigureAwait(false);
        return Int(saved, "AppointmentId");
    }

    public async Task<CrmCreatedObject?> FindCreatedObjectAsync(CrmConnection connection, CrmObjectKind kind, string reference, CancellationToken cancellationToken = default)
    {
        var (provider, column, key) = CreatedObjects(kind);
        var found = await FindAsync(connection, provider, (column, "contains", NetServerCrm.ReferenceMarker(reference)), key, 10, null, cancellationToken).ConfigureAwait(false);
        var ids = Items(found, "ArchiveRows").Select(r => Int(r, "PrimaryKey")).Where(id => id > 0).Order().ToList();
        return ids.Count == 0 ? null : new CrmCreatedObject(kind, ids[0]);
    }

    public async Task SetSelectionMembershipAsync(CrmConnection connection, int selectionId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        await CallAsync(
            connection,
            "Selection",
            member ? "AddContactSelectionMembers" : "RemoveContactSelectionMembers",
            new JsonObject
            {
                ["SelectionId"] = selectionId,
                ["ContactPersonIds"] = new JsonArray(new JsonObject { ["PersonId"] = person.PersonId, ["ContactId"] = person.CompanyId ?? 0 }),
            },
            write: true,
            "SelectionNotFound",
            cancellationToken).ConfigureAwait(false);

    public async Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default)
    {
        // AddProjectMembers is not a set operation in NetServer: look before adding, so a repeat changes nothing.
        var existing = await ArchiveAsync(
            connection, "ProjectMember", ["projectMemberId", "personId"],
            [("projectId", "equals", NetServerXml.Format(projectId)), ("personId", "equals", NetServerXml.Format(person.PersonId))], page: 0, pageSize: 100, cancellationToken).ConfigureAwait(false);
        var memberIds = existing.Select(r => r.Int("projectMemberId")).Where(id => id > 0).ToList();
        if (member)
        {
            if (memberIds.Count > 0)
            {
                return;
            }

            await CallAsync(
                connection,
                "Project",
                "AddProjectMembers",
                new JsonObject
                {
                    ["ProjectEntityId"] = projectId,
                    ["ProjectMembers"] = new JsonArray(new JsonObject { ["ContactId"] = person.CompanyId ?? 0, ["ProjectId"] = projectId, ["PersonId"] = person.PersonId }),
                },
                write: true,
                "ProjectNotFound",
                cancellationToken).ConfigureAwait(false);
            return;
        }

        await CallAsync(
            connection,
            "Project",
            "DeleteProjectMembers",
            new JsonObject { ["ProjectEntityId"] = projectId, ["MemberIds"] = new JsonArray([.. memberIds.Select(id => (JsonNode)id)]) },
            write: true,
            "ProjectNotFound",
            cancellationToken).ConfigureAwait(false);
    }

    public async Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default)
    {
        var entity = await GetPersonEntityAsync(connection, personId, cancellationToken).ConfigureAwait(false)
            ?? throw new CrmException(CrmErrorKind.Permanent, "PersonNotFound", $"Person {personId} does not exist.");
        var item = Items(entity, "Interests").OfType<JsonObject>().FirstOrDefault(i => Int(i, "Id") == interestId)
            ?? throw new CrmException(CrmErrorKind.Permanent, "InterestNotFound", $"Interest {interestId} is not in SuperOffice's interest list.");
        if (Bool(item, "Selected") == selected)
        {
            return;
        }

        item["Selected"] = selected;
        await SaveEntityAsync(connection, "Person", entity, "PersonNotFound", cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _ownClient?.Dispose();

        _owned.ForEach(o => o.Dispose());
    }

    /// <summary>A client per call from the factory, so that its handlers are renewed as the factory renews them; or the adapter's own.</summary>
    private HttpClient Http => _clients?.CreateClient(NetServerRestHttp.ClientName) ?? _ownClient!;

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>Sets the owning associate and the company of a sale or appointment carrier, when known.</summary>
    private static void SetOwnerAndCompany(JsonObject entity, int? ownerAssociateId, int? companyId)
    {
        if (ownerAssociateId is { } owner)
        {
            entity["Associate"] = new JsonObject { ["AssociateId"] = owner };
        }

        if (companyId is { } company)
        {
            entity["Contact"] = new JsonObject { ["ContactId"] = company };
        }
    }

    /// <summary>E-mails or phones with one value, or none.</summary>
    private static JsonArray EntityElements(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [new JsonObject { ["Value"] = value.Trim() }];

    private static CrmPerson ToPerson(JsonNode entity)
    {
        var company = Member(entity, "Contact");
        return new CrmPerson(
            Int(entity, "PersonId"),
            Str(entity, "Firstname"),
            Str(entity, "Lastname"),
            Items(entity, "Emails").Select(e => Str(e, "Value")).FirstOrDefault(v => !string.IsNullOrEmpty(v)),
            NullIfZero(Int(company, "ContactId")),
            Str(company, "Name"),
            NullIfZero(Int(company, "AssociateId")));
    }

    /// <summary><c>Person/GetPersonEntity</c>; NetServer answers <c>null</c> for a person that does not exist.</summary>
    private async Task<JsonObject?> GetPersonEntityAsync(CrmConnection connection, int personId, CancellationToken cancellationToken) =>
        await CallAsync(connection, "Person", "GetPersonEntity", ("personEntityId", personId), "PersonNotFound", cancellationToken).ConfigureAwait(false) is JsonObject entity
            && Int(entity, "PersonId") != 0
            ? entity
            : null;

    private async Task<JsonObject> DefaultEntityAsync(CrmConnection connection, string agent, CancellationToken cancellationToken) =>
        await CallAsync(connection, agent, $"CreateDefault{agent}Entity", body: null, write: false, null, cancellationToken).ConfigureAwait(false) as JsonObject
            ?? throw new CrmException(CrmErrorKind.Transient, "EmptyResponse", $"NetServer REST {agent}/CreateDefault{agent}Entity returned no entity.");

    /// <summary><c>Save…Entity</c> with the entity itself as the body.</summary>
    private async Task<JsonNode> SaveEntityAsync(CrmConnection connection, string agent, JsonObject entity, string notFound, CancellationToken cancellationToken) =>
        await CallAsync(connection, agent, $"Save{agent}Entity", entity, write: true, notFound, cancellationToken).ConfigureAwait(false)
            ?? throw new CrmException(CrmErrorKind.Uncertain, "EmptyResponse", $"NetServer REST {agent}/Save{agent}Entity returned no entity.");
}
