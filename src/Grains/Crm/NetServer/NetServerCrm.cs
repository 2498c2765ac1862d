using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Relay.Crm.Online;
using static Relay.Crm.NetServer.NetServerQueries;
using static Relay.Crm.NetServer.NetServerXml;

namespace Relay.Crm.NetServer;

/// <summary>
/// The CRM port over SuperOffice NetServer's SOAP web services (Services75 by default, Services88 supported):
/// creates via <c>CreateDefault…Entity</c> + <c>Save…Entity</c>, lookups via <c>EMail</c>, <c>Archive</c> and
/// <c>Find</c>, memberships via <c>Selection</c> and <c>Project</c>. Tickets are cached per tenant and renewed once
/// when NetServer rejects one. An Online tenant is reached through its system user at the host its state names.
/// </summary>
public sealed partial class NetServerCrm : ICrm, IDisposable
{
    /// <summary>
    /// Marks the reference Relay stores in a sale's or appointment's text. The closing <c>#</c> keeps a "contains"
    /// search exact (ref <c>a:1</c> must not find <c>a:10</c>); square brackets are avoided because NetServer reads
    /// <c>[X:…]</c> as an encoded archive value.
    /// </summary>
    public static string ReferenceMarker(string reference) => $"#relay-ref:{reference}#";

    private readonly NetServerOptions _options;
    private readonly NetServerTransport _transport;
    private readonly NetServerSessions _sessions;
    private readonly OnlineCalls _online;
    private readonly List<IDisposable> _owned = [];
    private readonly NetServerListCache _lists;

    /// <summary>
    /// Creates the adapter with its options, the gate every request waits at (the tenant's rate limit), the key ring that
    /// reveals the tenants' secrets, the policy on where they may be sent (without one, only public https hosts), and
    /// Relay's Online application identity with the services that locate Online tenants and sign their system users in.
    /// </summary>
    public NetServerCrm(
        IOptions<NetServerOptions> options,
        ICrmRequestGate? gate = null,
        CrmSecrets? secrets = null,
        CrmAddressPolicy? addresses = null,
        IOptions<OnlineOptions>? online = null,
        OnlineTenantLocator? locator = null,
        SystemUserSignIn? systemUser = null)
    {
        _options = options.Value;
        _lists = new NetServerListCache(_options);
        secrets ??= CrmSecrets.WithoutKeyRing;
        addresses ??= new CrmAddressPolicy();
        online ??= Options.Create(new OnlineOptions());
        _transport = new NetServerTransport(_options, gate, secrets, addresses);
        _online = new OnlineCalls(locator ?? Own(new OnlineTenantLocator(online, addresses)), online.Value);
        _sessions = new NetServerSessions(_transport, secrets, systemUser ?? Own(new SystemUserSignIn(online, secrets, addresses)));
    }

    /// <summary>Creates the adapter with default options.</summary>
    public NetServerCrm()
        : this(Options.Create(new NetServerOptions()))
    {
    }

    public async Task<IReadOnlyList<CrmPersonMatch>> FindPersonsByEmailAsync(CrmConnection connection, string email, CancellationToken cancellationToken = default)
    {
        var address = email.Trim();
        if (connection.EmailLookup == EmailLookup.ArchivePerson)
        {
            return Persons(await ArchiveAsync(connection, "Person", PersonColumns, [ByEmail(address)], page: 0, pageSize: 100, cancellationToken).ConfigureAwait(false), address);
        }

        var body = await CallAsync(connection, "EMail", "FindAddress", ns => [new XElement(ns + "Address", address)], write: false, null, cancellationToken).ConfigureAwait(false);
        return [.. body.Child("Response").Children("EMailAddress")
            .Select(e => new CrmPersonMatch(e.Number("PersonId"), e.Text("PersonName"), NullIfZero(e.Number("ContactId")), e.Text("ContactName"), e.Text("Address") ?? address))
            .Where(m => m.PersonId > 0)
            .DistinctBy(m => m.PersonId)];
    }

    public async Task<CrmPerson?> GetPersonAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default)
    {
        var entity = await GetPersonEntityAsync(connection, personId, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : ToPerson(entity);
    }

    public async Task<int> CreateCompanyAsync(CrmConnection connection, NewCompany company, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Contact", cancellationToken).ConfigureAwait(false);
        var ns = entity.Name.Namespace;
        var order = EntityMembers.ContactEntity;
        entity.SetMember(order, "Name", company.Name);
        if (company.OrgNr is { Length: > 0 } orgNr)
        {
            entity.SetMember(order, "OrgNr", orgNr);
        }

        if (company.Country is { Length: > 0 } country
            && await FindListItemAsync(connection, "Countries", country, cancellationToken).ConfigureAwait(false) is { } countryId)
        {
            entity.SetMember(order, "Country", new XElement(ns + "CountryId", Format(countryId)));
        }

        if (company.Category is { Length: > 0 } category
            && await FindListItemAsync(connection, "Categories", category, cancellationToken).ConfigureAwait(false) is { } categoryId)
        {
            entity.SetMember(order, "Category", new XElement(ns + "Id", Format(categoryId)));
        }

        if (company.Industry is { Length: > 0 } industry
            && await FindListItemAsync(connection, "Businesses", industry, cancellationToken).ConfigureAwait(false) is { } businessId)
        {
            entity.SetMember(order, "Business", new XElement(ns + "Id", Format(businessId)));
        }

        var saved = await SaveEntityAsync(connection, "Contact", entity, "CompanyNotFound", cancellationToken).ConfigureAwait(false);
        return saved.Number("ContactId");
    }

    public async Task<CrmPerson> CreatePersonAsync(CrmConnection connection, NewPerson person, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Person", cancellationToken).ConfigureAwait(false);
        var ns = entity.Name.Namespace;
        var order = EntityMembers.PersonEntity;
        entity.SetMember(order, "Firstname", person.FirstName ?? string.Empty);
        entity.SetMember(order, "Lastname", person.LastName ?? string.Empty);
        entity.SetMember(order, "Title", person.Title ?? string.Empty);
        entity.SetMember(order, "Emails", EntityElements(ns, person.Email));
        entity.SetMember(order, "MobilePhones", EntityElements(ns, person.Mobile));
        entity.SetMember(order, "OfficePhones", EntityElements(ns, person.Phone));
        if (person.CompanyId is { } companyId)
        {
            entity.SetMember(order, "Contact", new XElement(ns + "ContactId", Format(companyId)));
        }

        var saved = await SaveEntityAsync(connection, "Person", entity, "CompanyNotFound", cancellationToken).ConfigureAwait(false);
        return ToPerson(saved);
    }

    /// <summary>Sets the owning associate and the company of a sale or appointment carrier, when known.</summary>
    private static void SetOwnerAndCompany(XElement entity, IReadOnlyList<string> order, int? ownerAssociateId, int? companyId)
    {
        var ns = entity.Name.Namespace;
        if (ownerAssociateId is { } owner)
        {
            entity.SetMember(order, "Associate", new XElement(ns + "AssociateId", Format(owner)));
        }

        if (companyId is { } company)
        {
            entity.SetMember(order, "Contact", new XElement(ns + "ContactId", Format(company)));
        }
    }

    public async Task<int> CreateSaleAsync(CrmConnection connection, NewSale sale, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Sale", cancellationToken).ConfigureAwait(false);
        var ns = entity.Name.Namespace;
        var order = EntityMembers.SaleEntity;
        SetOwnerAndCompany(entity, order, sale.OwnerAssociateId, sale.Person.CompanyId);

        entity.SetMember(order, "SaleText", ReferenceMarker(sale.Reference));
        entity.SetMember(order, "Person", new XElement(ns + "PersonId", Format(sale.Person.PersonId)));
        entity.SetMember(order, "Status", "Open");
        entity.SetMember(order, "Saledate", Date(sale.SaleDate));
        entity.SetMember(order, "Amount", Format(sale.Amount));
        entity.SetMember(order, "Heading", sale.Heading);
        entity.SetMember(order, "Probability", Format(Math.Clamp(sale.Probability, 0, 100)));
        if (sale.SaleTypeId is { } saleTypeId)
        {
            entity.SetMember(order, "SaleType", new XElement(ns + "Id", Format(saleTypeId)));
        }

        var saved = await SaveEntityAsync(connection, "Sale", entity, "PersonNotFound", cancellationToken).ConfigureAwait(false);
        return saved.Number("SaleId");
    }

    public async Task<int> CreateAppointmentAsync(CrmConnection connection, NewAppointment appointment, CancellationToken cancellationToken = default)
    {
        var entity = await DefaultEntityAsync(connection, "Appointment", cancellationToken).ConfigureAwait(false);
        var ns = entity.Name.Namespace;
        var order = EntityMembers.AppointmentEntity;
        SetOwnerAndCompany(entity, order, appointment.OwnerAssociateId, appointment.Person.CompanyId);

        var description = string.IsNullOrWhiteSpace(appointment.Description)
            ? ReferenceMarker(appointment.Reference)
            : appointment.Description.TrimEnd() + "\n" + ReferenceMarker(appointment.Reference);
        entity.SetMember(order, "Description", description);
        entity.SetMember(order, "StartDate", Date(appointment.Date));
        entity.SetMember(order, "EndDate", Date(appointment.Date));
        entity.SetMember(order, "Person", new XElement(ns + "PersonId", Format(appointment.Person.PersonId)));

        // A pending task is a follow-up in the checklist; a notification is an activity already done.
        entity.SetMember(order, "Type", appointment.Completed ? "inDiary" : "inChecklist");
        entity.SetMember(order, "Completed", appointment.Completed ? "Completed" : "NotStarted");
        entity.SetMember(order, "ActiveDate", Date(appointment.Date));
        if (appointment.TaskTypeId is { } taskTypeId)
        {
            entity.SetMember(order, "Task", new XElement(ns + "TaskListItemId", Format(taskTypeId)));
        }

        var saved = await SaveEntityAsync(connection, "Appointment", entity, "PersonNotFound", cancellationToken).ConfigureAwait(false);
        return saved.Number("AppointmentId");
    }

    public async Task<CrmCreatedObject?> FindCreatedObjectAsync(CrmConnection connection, CrmObjectKind kind, string reference, CancellationToken cancellationToken = default)
    {
        var (provider, column, key) = CreatedObjects(kind);
        var body = await FindAsync(connection, provider, (column, "contains", ReferenceMarker(reference)), key, 10, null, cancellationToken).ConfigureAwait(false);
        var ids = body.Child("Response").Child("ArchiveRows").Children("ArchiveListItem").Select(r => r.Number("PrimaryKey")).Where(id => id > 0).Order().ToList();
        return ids.Count == 0 ? null : new CrmCreatedObject(kind, ids[0]);
    }

    public async Task SetSelectionMembershipAsync(CrmConnection connection, int selectionId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        await CallAsync(
            connection,
            "Selection",
            member ? "AddContactSelectionMembers" : "RemoveContactSelectionMembers",
            ns =>
            [
                new XElement(ns + "SelectionId", Format(selectionId)),
                new XElement(
                    ns + "ContactPersonIds",
                    new XElement(ns + "ContactPersonId", new XElement(ns + "PersonId", Format(person.PersonId)), new XElement(ns + "ContactId", Format(person.CompanyId ?? 0)))),
            ],
            write: true,
            "SelectionNotFound",
            cancellationToken).ConfigureAwait(false);

    public async Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default)
    {
        // AddProjectMembers is not a set operation in NetServer: look before adding, so a repeat changes nothing.
        var existing = await ArchiveAsync(
            connection, "ProjectMember", ["projectMemberId", "personId"],
            [("projectId", "equals", Format(projectId)), ("personId", "equals", Format(person.PersonId))], page: 0, pageSize: 100, cancellationToken).ConfigureAwait(false);
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
                ns =>
                [
                    new XElement(ns + "ProjectEntityId", Format(projectId)),
                    new XElement(
                        ns + "ProjectMembers",
                        new XElement(
                            ns + "ProjectMember",
                            new XElement(ns + "ContactId", Format(person.CompanyId ?? 0)),
                            new XElement(ns + "ProjectId", Format(projectId)),
                            new XElement(ns + "PersonId", Format(person.PersonId)))),
                ],
                write: true,
                "ProjectNotFound",
                cancellationToken).ConfigureAwait(false);
            return;
        }

        await CallAsync(
            connection,
            "Project",
            "DeleteProjectMembers",
            ns => [new XElement(ns + "ProjectEntityId", Format(projectId)), Ints(ns + "MemberIds", memberIds)],
            write: true,
            "ProjectNotFound",
            cancellationToken).ConfigureAwait(false);
    }

    public async Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default)
    {
        var entity = await GetPersonEntityAsync(connection, personId, cancellationToken).ConfigureAwait(false)
            ?? throw new CrmException(CrmErrorKind.Permanent, "PersonNotFound", $"Person {personId} does not exist.");
        var item = entity.Child("Interests").Children("SelectableMDOListItem").FirstOrDefault(i => i.Number("Id") == interestId)
            ?? throw new CrmException(CrmErrorKind.Permanent, "InterestNotFound", $"Interest {interestId} is not in SuperOffice's interest list.");
        if ((item.Text("Selected") == "true") == selected)
        {
            return;
        }

        item.SetMember(SelectableItemMembers, "Selected", selected ? "true" : "false");
        await SaveEntityAsync(connection, "Person", entity, "PersonNotFound", cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _transport.Dispose();
        _owned.ForEach(o => o.Dispose());
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private static readonly string[] SelectableItemMembers =
        ["TableRight", "FieldProperties", "Id", "Name", "ToolTip", "Deleted", "Rank", "Type", "ColorBlock", "IconHint", "Selected", "LastChanged", "ChildItems", "ExtraInfo", "StyleHint", "Hidden", "FullName"];

    private static CrmPerson ToPerson(XElement entity)
    {
        var company = entity.Child("Contact");
        return new CrmPerson(
            entity.Number("PersonId"),
            entity.Text("Firstname"),
            entity.Text("Lastname"),
            entity.Child("Emails").Children("EntityElement").Select(e => e.Text("Value")).FirstOrDefault(v => !string.IsNullOrEmpty(v)),
            NullIfZero(company.Number("ContactId")),
            company.Text("Name"),
            NullIfZero(company.Number("AssociateId")));
    }

    private async Task<XElement?> GetPersonEntityAsync(CrmConnection connection, int personId, CancellationToken cancellationToken)
    {
        var body = await CallAsync(connection, "Person", "GetPersonEntity", ns => [new XElement(ns + "PersonEntityId", Format(personId))], write: false, "PersonNotFound", cancellationToken)
            .ConfigureAwait(false);
        var entity = body.Child("Response");
        return entity is null || entity.Number("PersonId") == 0 ? null : entity;
    }

    private async Task<XElement> DefaultEntityAsync(CrmConnection connection, string agent, CancellationToken cancellationToken)
    {
        var body = await CallAsync(connection, agent, $"CreateDefault{agent}Entity", _ => [], write: false, null, cancellationToken).ConfigureAwait(false);
        return body.Child("Response")
            ?? throw new CrmException(CrmErrorKind.Transient, "EmptyResponse", $"NetServer {agent}.CreateDefault{agent}Entity returned no entity.");
    }

    private async Task<XElement> SaveEntityAsync(CrmConnection connection, string agent, XElement entity, string notFound, CancellationToken cancellationToken)
    {
        var body = await CallAsync(connection, agent, $"Save{agent}Entity", ns => [entity.Renamed(ns + $"{agent}Entity")], write: true, notFound, cancellationToken)
            .ConfigureAwait(false);
        return body.Child("Response")
            ?? throw new CrmException(CrmErrorKind.Uncertain, "EmptyResponse", $"NetServer {agent}.Save{agent}Entity returned no entity.");
    }
}
