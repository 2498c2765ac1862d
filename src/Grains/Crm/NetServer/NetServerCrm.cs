using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using static Relay.Crm.NetServer.NetServerXml;

namespace Relay.Crm.NetServer;

/// <summary>
/// The CRM port over SuperOffice NetServer's SOAP web services (Services75 by default, Services88 supported):
/// creates via <c>CreateDefault…Entity</c> + <c>Save…Entity</c>, lookups via <c>EMail</c>, <c>Archive</c> and
/// <c>Find</c>, memberships via <c>Selection</c> and <c>Project</c>. Tickets are cached per tenant and renewed once
/// when NetServer rejects one.
/// </summary>
public sealed class NetServerCrm : ICrm, ICrmCatalog, ICrmConsents, IDisposable
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
    private readonly ConcurrentDictionary<(string Tenant, string List), (DateTimeOffset At, IReadOnlyList<(int Id, string Name, string? Code)> Items)> _lists = new();

    /// <summary>Creates the adapter with its options.</summary>
    public NetServerCrm(IOptions<NetServerOptions> options)
        : this(options, null)
    {
    }

    /// <summary>Creates the adapter with its options and the gate every request waits at (the tenant's rate limit).</summary>
    public NetServerCrm(IOptions<NetServerOptions> options, ICrmRequestGate? gate)
    {
        _options = options.Value;
        _transport = new NetServerTransport(_options, gate);
        _sessions = new NetServerSessions(_transport);
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
            var rows = await ArchiveAsync(
                connection, "Person", ["personId", "fullName", "contactId", "contactName", "email/emailAddress"],
                [("email/emailAddress", "is", address)], page: 0, pageSize: 100, cancellationToken).ConfigureAwait(false);
            return [.. rows
                .Select(r => new CrmPersonMatch(r.Int("personId"), r.Get("fullName"), NullIfZero(r.Int("contactId")), r.Get("contactName"), r.Get("email/emailAddress") ?? address))
                .Where(m => m.PersonId > 0)
                .DistinctBy(m => m.PersonId)];
        }

        var body = await CallAsync(connection, "EMail", "FindAddress", ns => [new XElement(ns + "Address", address)], write: false, null, cancellationToken).ConfigureAwait(false);
        return [.. body.Child("Response").Children("EMailAddress")
            .Select(e => new CrmPersonMatch(e.Number("PersonId"), e.Text("PersonName"), NullIfZero(e.Number("ContactId")), e.Text("ContactName"), e.Text("Address") ?? address))
            .Where(m => m.PersonId > 0)
            .DistinctBy(m => m.PersonId)];
    }

    public async Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default)
    {
        var term = text.Trim();
        if (term.Length < 3)
        {
            throw new CrmException(CrmErrorKind.Permanent, "SearchTooShort", "Type at least 3 characters to search SuperOffice.");
        }

        var column = term.Contains('@', StringComparison.Ordinal) ? "email/emailAddress" : "fullName";
        var rows = await ArchiveAsync(
            connection, "Person", ["personId", "fullName", "contactId", "contactName", "email/emailAddress"],
            [(column, "contains", term)], page: 0, pageSize: Math.Clamp(max, 1, 100), cancellationToken).ConfigureAwait(false);
        return [.. rows
            .Select(r => new CrmPersonMatch(r.Int("personId"), r.Get("fullName"), NullIfZero(r.Int("contactId")), r.Get("contactName"), r.Get("email/emailAddress") ?? ""))
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
        var (provider, column, key) = kind == CrmObjectKind.Sale ? ("Sale", "saleText", "saleId") : ("Appointment", "text", "appointmentId");
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
        var login = await _sessions.LoginAsync(connection, NetServerEndpoint.From(connection), userTicket.Trim(), string.Empty, cancellationToken).ConfigureAwait(false);
        if (login.Ticket is null || login.Principal is not { } principal)
        {
            return null;
        }

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

    public async Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default)
    {
        RequireConsents(connection);
        await CallAsync(
            connection,
            "Person",
            "SetConsent",
            ns =>
            [
                new XElement(ns + "PersonId", Format(personId)),
                new XElement(ns + "Purpose", consent.PurposeKey),
                new XElement(ns + "Source", consent.SourceKey ?? string.Empty),
                new XElement(ns + "LegalBase", consent.LegalBaseKey),
                new XElement(ns + "Comment", consent.Comment ?? string.Empty),
            ],
            write: true,
            "PersonNotFound",
            cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default)
    {
        RequireConsents(connection);
        await CallAsync(
            connection,
            "Person",
            "RemoveConsent",
            ns => [new XElement(ns + "PersonId", Format(personId)), new XElement(ns + "Purpose", purposeKey)],
            write: true,
            "PersonNotFound",
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default)
    {
        RequireConsents(connection);
        var body = await CallAsync(connection, "Person", "GetConsentInfos", ns => [new XElement(ns + "PersonId", Format(personId))], write: false, "PersonNotFound", cancellationToken)
            .ConfigureAwait(false);
        return [.. body.Child("Response").Children("ConsentInfo")
            .Where(i => !string.IsNullOrEmpty(i.Text("ConsentPurposeKey")))
            .Select(i => new CrmConsentInfo(
                i.Text("ConsentPurposeKey")!, i.Text("LegalBaseKey"), i.Text("ConsentSourceKey"), i.Text("Comment"), UtcDate(i.Text("Registered")), UtcDate(i.Text("Updated"))))];
    }

    public void Dispose() => _transport.Dispose();

    /// <summary>Consent operations exist from NetServer 8.x; a Services75 installation has none to call.</summary>
    private static void RequireConsents(CrmConnection connection)
    {
        if (connection.ServicesVersion == "75")
        {
            throw new CrmException(CrmErrorKind.Permanent, "ConsentNotSupported", "NetServer Services75 has no consent operations; consents are served through Relay's consent API instead.");
        }
    }

    /// <summary>NetServer writes dates without an offset; they are UTC.</summary>
    private static DateTimeOffset UtcDate(string? value) =>
        DateTime.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var d)
            ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc))
            : DateTimeOffset.MinValue;

    private static readonly string[] SelectableItemMembers =
        ["TableRight", "FieldProperties", "Id", "Name", "ToolTip", "Deleted", "Rank", "Type", "ColorBlock", "IconHint", "Selected", "LastChanged", "ChildItems", "ExtraInfo", "StyleHint", "Hidden", "FullName"];

    private static int? NullIfZero(int value) => value == 0 ? null : value;

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

    private async Task<int?> FindListItemAsync(CrmConnection connection, string list, string value, CancellationToken cancellationToken)
    {
        var key = (connection.TenantId, list);
        if (!_lists.TryGetValue(key, out var cached) || DateTimeOffset.UtcNow - cached.At > _options.ListCacheDuration)
        {
            var body = await CallAsync(connection, "List", "Get" + list, _ => [], write: false, null, cancellationToken).ConfigureAwait(false);
            var items = list == "Countries"
                ? body.Child("Response").Children("Country").Select(c => (c.Number("CountryId"), c.Text("Name") ?? string.Empty, c.Text("TwoLetterISOCountry"))).ToList()
                : (body.Child("Response")?.Elements() ?? []).Where(e => !IsNil(e)).Select(c => (c.Number("Id"), c.Text("Value") ?? string.Empty, (string?)null)).ToList();
            cached = (DateTimeOffset.UtcNow, items);
            _lists[key] = cached;
        }

        var match = cached.Items.FirstOrDefault(i =>
            string.Equals(i.Name, value, StringComparison.OrdinalIgnoreCase) || string.Equals(i.Code, value, StringComparison.OrdinalIgnoreCase));
        return match.Id > 0 ? match.Id : null;
    }

    private async Task<CrmPage<CrmMember>> MembersAsync(CrmConnection connection, string provider, string keyColumn, int id, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        var rows = await ArchiveAsync(
            connection, provider, MemberColumns, [(keyColumn, "equals", Format(id))], page, pageSize, cancellationToken).ConfigureAwait(false);
        var members = rows.Select(r => new CrmMember(
                r.Int("personId"), NullIfZero(r.Int("contactId")), r.Get("firstName"), r.Get("lastName"), NullIfEmpty(r.Get("email/emailAddress")), NullIfEmpty(r.Get("contactName")),
                NullIfEmpty(r.Get("personDirectPhone/formattedNumber")), NullIfEmpty(r.Get("personMobilePhone/formattedNumber")), NullIfEmpty(r.Get("title")),
                NullIfEmpty(r.Get("contactCountry")), NullIfEmpty(r.Get("contactCategory")), NullIfEmpty(r.Get("contactBusiness"))))
            .ToList();
        var total = page == 0 ? await CountAsync(connection, provider, keyColumn, id, cancellationToken).ConfigureAwait(false) : (int?)null;
        return new CrmPage<CrmMember>(members, page, pageSize, rows.Count == pageSize, total);
    }

    /// <summary>How many rows a provider has for one owner: <c>Find.FindFromRestrictionsColumns</c> reports <c>RowCount</c>.</summary>
    private async Task<int> CountAsync(CrmConnection connection, string provider, string keyColumn, int id, CancellationToken cancellationToken)
    {
        var body = await FindAsync(connection, provider, (keyColumn, "equals", Format(id)), "personId", 1, provider + "NotFound", cancellationToken).ConfigureAwait(false);
        return body.Child("Response").Number("RowCount");
    }

    /// <summary>The first page of <c>Find.FindFromRestrictionsColumns</c> for one restriction and one column.</summary>
    private Task<XElement> FindAsync(
        CrmConnection connection, string provider, (string Column, string Operator, string Value) restriction, string column, int pageSize, string? notFound, CancellationToken cancellationToken) =>
        CallAsync(
            connection,
            "Find",
            "FindFromRestrictionsColumns",
            ns =>
            [
                new XElement(ns + "Restrictions", Restriction(ns, restriction.Column, restriction.Operator, restriction.Value)),
                new XElement(ns + "ProviderName", provider),
                Strings(ns + "DesiredColumns", [column]),
                new XElement(ns + "PageSize", Format(pageSize)),
                new XElement(ns + "PageNumber", "0"),
            ],
            write: false,
            notFound,
            cancellationToken);

    /// <summary>The archive columns of a selection or project member that an import maps.</summary>
    private static readonly string[] MemberColumns =
    [
        "personId", "contactId", "firstName", "lastName", "email/emailAddress", "contactName",
        "personDirectPhone/formattedNumber", "personMobilePhone/formattedNumber", "title", "contactCountry", "contactCategory", "contactBusiness",
    ];

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private async Task<IReadOnlyList<CrmListItem>> ArchiveListAsync(CrmConnection connection, string provider, string idColumn, string nameColumn, string? kindColumn, CancellationToken cancellationToken)
    {
        const int PageSize = 500;
        var items = new List<CrmListItem>();
        string[] columns = kindColumn is null ? [idColumn, nameColumn] : [idColumn, nameColumn, kindColumn];
        for (var page = 0; ; page++)
        {
            var rows = await ArchiveAsync(connection, provider, columns, [(idColumn, "greater", "0")], page, PageSize, cancellationToken).ConfigureAwait(false);
            items.AddRange(rows.Select(r => new CrmListItem(r.Int(idColumn), r.Get(nameColumn) ?? string.Empty, kindColumn is null ? null : r.Get(kindColumn))));
            if (rows.Count < PageSize)
            {
                return items;
            }
        }
    }

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

    private static XElement Restriction(XNamespace ns, string column, string op, string value) =>
        new(
            ns + "ArchiveRestrictionInfo",
            new XElement(ns + "Name", column),
            new XElement(ns + "Operator", op),
            Strings(ns + "Values", [value]),
            new XElement(ns + "IsActive", "true"),
            new XElement(ns + "InterOperator", "And"));

    private async Task<List<ArchiveRow>> ArchiveAsync(
        CrmConnection connection, string provider, string[] columns, (string Column, string Operator, string Value)[] restrictions, int page, int pageSize, CancellationToken cancellationToken)
    {
        var body = await CallAsync(
            connection,
            "Archive",
            "GetArchiveListByColumns",
            ns =>
            [
                new XElement(ns + "ProviderName", provider),
                Strings(ns + "Columns", columns),
                new XElement(ns + "SortOrder"),
                new XElement(ns + "Restriction", restrictions.Select(r => Restriction(ns, r.Column, r.Operator, r.Value))),
                Strings(ns + "Entities", []),
                new XElement(ns + "Page", Format(page)),
                new XElement(ns + "PageSize", Format(pageSize)),
            ],
            write: false,
            provider + "NotFound",
            cancellationToken).ConfigureAwait(false);
        return [.. body.Child("Response").Children("ArchiveListItem").Select(ArchiveRow.From)];
    }

    /// <summary>
    /// One NetServer call with the tenant's ticket; a rejected ticket is renewed and the call made once more.
    /// </summary>
    private async Task<XElement> CallAsync(
        CrmConnection connection, string agent, string operation, Func<XNamespace, object[]> content, bool write, string? notFound, CancellationToken cancellationToken)
    {
        var endpoint = NetServerEndpoint.From(connection);
        var body = new XElement(endpoint.Namespace + operation, new XAttribute(XNamespace.Xmlns + "i", Xsi.NamespaceName), content(endpoint.Namespace));
        var ticket = await _sessions.GetTicketAsync(connection, endpoint, cancellationToken).ConfigureAwait(false);
        var reply = await _transport.CallAsync(endpoint, agent, operation, body, connection.ApplicationToken, ticket, write, cancellationToken).ConfigureAwait(false);
        if (NetServerErrors.IsTicketRejected(reply))
        {
            ticket = await _sessions.RenewAsync(connection, endpoint, ticket, cancellationToken).ConfigureAwait(false);
            reply = await _transport.CallAsync(endpoint, agent, operation, body, connection.ApplicationToken, ticket, write, cancellationToken).ConfigureAwait(false);
        }

        return reply.Failed ? throw NetServerErrors.FromExceptionInfo(reply, agent, operation, notFound) : reply.Body;
    }

    /// <summary>An archive row: its primary key and decoded column values.</summary>
    private sealed record ArchiveRow(int PrimaryKey, IReadOnlyDictionary<string, string?> Columns)
    {
        public static ArchiveRow From(XElement item) => new(
            item.Number("PrimaryKey"),
            item.Child("ColumnData").Children("ColumnDataKeyValuePair")
                .GroupBy(p => p.Text("Key") ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => Decode(g.First().Child("Value").Text("DisplayValue")), StringComparer.OrdinalIgnoreCase));

        public string? Get(string column) => Columns.GetValueOrDefault(column);

        public int Int(string column) => int.TryParse(Get(column), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
    }
}
