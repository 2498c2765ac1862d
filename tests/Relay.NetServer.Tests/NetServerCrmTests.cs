using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Crm.NetServer.Rest;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServer.Tests;

/// <summary>The NetServer adapters against the emulator over HTTP, operation by operation: SOAP, or the REST web API.</summary>
public abstract class NetServerCrmTests(bool withWsdl, CrmProtocol protocol = CrmProtocol.Soap)
{
    [Theory]
    [InlineData("75", EmailLookup.FindAddress)]
    [InlineData("88", EmailLookup.FindAddress)]
    [InlineData("75", EmailLookup.ArchivePerson)]
    [InlineData("88", EmailLookup.ArchivePerson)]
    public async Task An_email_shared_by_two_persons_finds_both(string version, EmailLookup lookup)
    {
        await using var session = await EmulatorSession.StartAsync(version, lookup, withWsdl: withWsdl, protocol: protocol);

        var matches = await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[1].ToUpperInvariant());

        matches.Count.ShouldBe(2);
        matches.ShouldAllBe(m => m.Email == DemoSeed.SharedEmails[1] && m.CompanyId != null && m.CompanyName != null && m.PersonName != null);
        session.Calls(lookup == EmailLookup.FindAddress ? "FindAddress" : "GetArchiveListByColumns").ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData(EmailLookup.FindAddress)]
    [InlineData(EmailLookup.ArchivePerson)]
    public async Task A_unique_email_finds_one_person_and_an_unknown_one_none(EmailLookup lookup)
    {
        await using var session = await EmulatorSession.StartAsync(lookup: lookup, withWsdl: withWsdl, protocol: protocol);
        var person = session.Store.AddPerson("Ann", "Berg", "ann.berg@example.com");

        (await session.Crm.FindPersonsByEmailAsync(session.Connection, "ann.berg@example.com")).Single().PersonId.ShouldBe(person.PersonId);
        (await session.Crm.FindPersonsByEmailAsync(session.Connection, "nobody@example.com")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Getting_a_person_returns_its_company_and_the_company_owner()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var company = session.Store.AddCompany("Berg AB", associateId: 103);
        var stored = session.Store.AddPerson("Ann", "Berg", "ann@berg.example", company.CompanyId);

        var person = (await session.Crm.GetPersonAsync(session.Connection, stored.PersonId)).ShouldNotBeNull();

        person.ShouldBe(new CrmPerson(stored.PersonId, "Ann", "Berg", "ann@berg.example", company.CompanyId, "Berg AB", 103));
    }

    [Fact]
    public async Task Getting_a_person_that_does_not_exist_returns_null()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        (await session.Crm.GetPersonAsync(session.Connection, 987654)).ShouldBeNull();
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task Creating_a_company_maps_country_category_and_industry_to_list_ids(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);

        var id = await session.Crm.CreateCompanyAsync(session.Connection, new NewCompany("Berg AB", "NO", "Prospect", "Retail"));

        var company = session.Store.Read(s => s.Companies[id]);
        (company.Name, company.CountryId, company.CategoryId, company.BusinessId, company.AssociateId).ShouldBe(("Berg AB", 578, 2, 1, 101));
        session.Store.Ledger().ShouldHaveSingleItem().Operation.ShouldBe("SaveContactEntity");
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task Creating_a_person_stores_every_mapped_field(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);
        var company = session.Store.AddCompany("Berg AB", 102);

        var created = await session.Crm.CreatePersonAsync(session.Connection, new NewPerson("Ann", "Berg", "ann@berg.example", "+46 8 123 45", "+46 70 123 45 67", "CFO", company.CompanyId));

        created.ShouldBe(new CrmPerson(created.PersonId, "Ann", "Berg", "ann@berg.example", company.CompanyId, "Berg AB", 102));
        var stored = session.Store.Read(s => s.Persons[created.PersonId]);
        (stored.FirstName, stored.LastName, stored.Title, stored.OfficePhone, stored.MobilePhone, stored.CompanyId)
            .ShouldBe(("Ann", "Berg", "CFO", "+46 8 123 45", "+46 70 123 45 67", company.CompanyId));
        stored.Emails.ShouldBe(["ann@berg.example"]);
    }

    [Fact]
    public async Task Creating_a_person_under_a_missing_company_fails_permanently()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreatePersonAsync(session.Connection, new NewPerson("A", "B", null, null, null, null, 999999)));
        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "CompanyNotFound"));
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task A_created_sale_carries_the_reference_and_is_found_again_by_it(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);
        var person = session.Store.Read(s => s.Persons.Values.First());
        var sale = new NewSale(new CrmPersonRef(person.PersonId, person.CompanyId), "Pricing interest", 5000, 2, 30, 103, "trg-1:auto-7:0", new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

        var id = await session.Crm.CreateSaleAsync(session.Connection, sale);

        var stored = session.Store.Read(s => s.Sales[id]);
        (stored.Heading, stored.Amount, stored.SaleTypeId, stored.Probability, stored.AssociateId, stored.PersonId, stored.CompanyId, stored.Status)
            .ShouldBe(("Pricing interest", 5000d, 2, 30, 103, person.PersonId, person.CompanyId, "Open"));
        stored.SaleText.ShouldBe(NetServerCrm.ReferenceMarker("trg-1:auto-7:0"));
        stored.SaleDate.ShouldBe(new DateTime(2026, 12, 1, 9, 0, 0));
        (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Sale, "trg-1:auto-7:0")).ShouldBe(new CrmCreatedObject(CrmObjectKind.Sale, id));
        (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Sale, "trg-1:auto-7")).ShouldBeNull();
        (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Appointment, "trg-1:auto-7:0")).ShouldBeNull();
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task A_pending_task_is_a_checklist_item_not_started_and_a_notification_is_completed(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);
        var person = session.Store.Read(s => s.Persons.Values.First());
        var personRef = new CrmPersonRef(person.PersonId, person.CompanyId);
        var at = new DateTimeOffset(2026, 12, 2, 8, 30, 0, TimeSpan.Zero);

        var taskId = await session.Crm.CreateAppointmentAsync(session.Connection, new NewAppointment(personRef, 3, "Follow up the demo request", at, false, 104, "ref-task"));
        var noteId = await session.Crm.CreateAppointmentAsync(session.Connection, new NewAppointment(personRef, 4, "Clicked the pricing link", at, true, null, "ref-note"));

        var task = session.Store.Read(s => s.Appointments[taskId]);
        (task.Type, task.Completed, task.TaskId, task.AssociateId, task.PersonId, task.StartDate).ShouldBe(("inChecklist", "NotStarted", 3, 104, person.PersonId, at.UtcDateTime));
        task.Description.ShouldBe("Follow up the demo request\n" + NetServerCrm.ReferenceMarker("ref-task"));
        var note = session.Store.Read(s => s.Appointments[noteId]);
        (note.Completed, note.TaskId, note.AssociateId).ShouldBe(("Completed", 4, 101));
        (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Appointment, "ref-note")).ShouldBe(new CrmCreatedObject(CrmObjectKind.Appointment, noteId));
    }

    [Fact]
    public async Task A_sale_for_a_deleted_person_fails_permanently_as_PersonNotFound()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var error = await Should.ThrowAsync<CrmException>(() =>
            session.Crm.CreateSaleAsync(session.Connection, new NewSale(new CrmPersonRef(424242, null), "x", 1, null, 10, null, "r", DateTimeOffset.UtcNow)));
        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "PersonNotFound"));
        session.Store.Read(s => s.Sales.Count).ShouldBe(0);
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task Selection_membership_is_a_set_operation(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);
        var selection = session.Store.AddSelection("Relay test");
        var person = session.Store.Read(s => s.Persons.Values.First());
        var personRef = new CrmPersonRef(person.PersonId, person.CompanyId);

        await session.Crm.SetSelectionMembershipAsync(session.Connection, selection.SelectionId, personRef, true);
        await session.Crm.SetSelectionMembershipAsync(session.Connection, selection.SelectionId, personRef, true);
        session.Store.Read(_ => selection.Members.Select(m => m.PersonId).ToList()).ShouldBe([person.PersonId]);

        await session.Crm.SetSelectionMembershipAsync(session.Connection, selection.SelectionId, personRef, false);
        await session.Crm.SetSelectionMembershipAsync(session.Connection, selection.SelectionId, personRef, false);
        session.Store.Read(_ => selection.Members.Count).ShouldBe(0);
    }

    [Fact]
    public async Task Membership_of_a_missing_or_dynamic_selection_fails_permanently()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var dynamic = session.Store.AddSelection("Dynamic one", "Dynamic");
        var person = new CrmPersonRef(session.Store.Read(s => s.Persons.Keys.First()), null);

        var missing = await Should.ThrowAsync<CrmException>(() => session.Crm.SetSelectionMembershipAsync(session.Connection, 999999, person, true));
        (missing.Kind, missing.ErrorType).ShouldBe((CrmErrorKind.Permanent, "SelectionNotFound"));
        var notStatic = await Should.ThrowAsync<CrmException>(() => session.Crm.SetSelectionMembershipAsync(session.Connection, dynamic.SelectionId, person, true));
        (notStatic.Kind, notStatic.ErrorType).ShouldBe((CrmErrorKind.Permanent, "Validation"));
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task Project_membership_is_a_set_operation(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);
        var project = session.Store.AddProject("Relay project");
        var person = session.Store.Read(s => s.Persons.Values.First());
        var personRef = new CrmPersonRef(person.PersonId, person.CompanyId);

        await session.Crm.SetProjectMembershipAsync(session.Connection, project.ProjectId, personRef, true);
        await session.Crm.SetProjectMembershipAsync(session.Connection, project.ProjectId, personRef, true);
        session.Store.Read(_ => project.Members.Select(m => (m.PersonId, m.CompanyId)).ToList()).ShouldBe([(person.PersonId, person.CompanyId)]);
        session.Calls("AddProjectMembers").Count.ShouldBe(1);

        await session.Crm.SetProjectMembershipAsync(session.Connection, project.ProjectId, personRef, false);
        await session.Crm.SetProjectMembershipAsync(session.Connection, project.ProjectId, personRef, false);
        session.Store.Read(_ => project.Members.Count).ShouldBe(0);
    }

    [Fact]
    public async Task Membership_of_a_missing_project_fails_permanently()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var person = new CrmPersonRef(session.Store.Read(s => s.Persons.Keys.First()), null);
        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.SetProjectMembershipAsync(session.Connection, 999999, person, true));
        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "ProjectNotFound"));
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task An_interest_is_selected_and_deselected_without_touching_the_others(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);
        var person = session.Store.AddPerson("Ann", "Berg", "ann@example.com");
        session.Store.Write(_ => person.InterestIds.Add(1));

        await session.Crm.SetPersonInterestAsync(session.Connection, person.PersonId, 5, true);
        session.Store.Read(_ => person.InterestIds.Order().ToList()).ShouldBe([1, 5]);
        await session.Crm.SetPersonInterestAsync(session.Connection, person.PersonId, 5, true);
        session.Calls("SavePersonEntity").Count.ShouldBe(1);

        await session.Crm.SetPersonInterestAsync(session.Connection, person.PersonId, 5, false);
        session.Store.Read(_ => person.InterestIds.ToList()).ShouldBe([1]);
        session.Store.Read(_ => (person.FirstName, person.Emails.Single())).ShouldBe(("Ann", "ann@example.com"));
    }

    [Fact]
    public async Task An_unknown_interest_or_person_fails_permanently()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var personId = session.Store.Read(s => s.Persons.Keys.First());
        (await Should.ThrowAsync<CrmException>(() => session.Crm.SetPersonInterestAsync(session.Connection, personId, 99, true))).ErrorType.ShouldBe("InterestNotFound");
        (await Should.ThrowAsync<CrmException>(() => session.Crm.SetPersonInterestAsync(session.Connection, 999999, 1, true))).ErrorType.ShouldBe("PersonNotFound");
    }

    [Fact]
    public async Task Paging_a_ten_thousand_member_selection_returns_every_member_once()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var selection = session.Store.AddSelection("Big import");
        var persons = Enumerable.Range(0, 10_000).Select(i => session.Store.AddPerson("P", $"N{i}", $"p{i}@big.example")).ToList();
        session.Store.AddSelectionMembers(selection.SelectionId, persons);

        var seen = new List<CrmMember>();
        var page = 0;
        CrmPage<CrmMember> current;
        do
        {
            current = await session.Crm.GetSelectionMembersAsync(session.Connection, selection.SelectionId, page++, 1000);
            seen.AddRange(current.Items);
        }
        while (current.HasMore);

        seen.Count.ShouldBe(10_000);
        seen.Select(m => m.PersonId).ShouldBe(persons.Select(p => p.PersonId));
        seen[42].Email.ShouldBe("p42@big.example");
        page.ShouldBe(11);
    }

    [Fact]
    public async Task Project_members_page_with_person_and_company()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);
        var projectId = session.Store.Read(s => s.Projects.Values.First(p => p.Members.Count > 0).ProjectId);
        var expected = session.Store.Read(s => s.Projects[projectId].Members.Select(m => m.PersonId).ToList());

        var first = await session.Crm.GetProjectMembersAsync(session.Connection, projectId, 0, 20);
        var second = await session.Crm.GetProjectMembersAsync(session.Connection, projectId, 1, 20);

        first.Items.Concat(second.Items).Select(m => m.PersonId).ShouldBe(expected);
        first.HasMore.ShouldBeTrue();
        second.HasMore.ShouldBeFalse();
        first.Items.ShouldAllBe(m => m.CompanyId != null && m.CompanyName != null && m.Email != null);
    }

    [Theory]
    [InlineData("75")]
    [InlineData("88")]
    public async Task The_admin_pick_lists_come_from_NetServer(string version)
    {
        await using var session = await EmulatorSession.StartAsync(version, withWsdl: withWsdl, protocol: protocol);
        var c = session.Connection;

        (await session.Crm.GetAssociatesAsync(c)).Select(a => a.Id).ShouldBe([101, 102, 103, 104, 105]);
        (await session.Crm.GetUserGroupsAsync(c)).ShouldBe([new CrmListItem(1, "Sales"), new CrmListItem(2, "Marketing")]);
        (await session.Crm.GetInterestsAsync(c)).Count.ShouldBe(8);
        var selections = await session.Crm.GetSelectionsAsync(c);
        selections.Count.ShouldBe(4);
        selections.Single(s => s.Name == "All customers (dynamic)").Kind.ShouldBe("Dynamic");
        (await session.Crm.GetProjectsAsync(c)).Select(p => p.Name).ShouldBe(["Spring launch", "Partner onboarding", "Customer day 2027"]);
        (await session.Crm.GetSaleTypesAsync(c)).Select(t => t.Name).ShouldBe(["New business", "Upsell", "Renewal"]);
        (await session.Crm.GetTaskTypesAsync(c)).Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_user_ticket_resolves_to_its_associate_groups_and_context()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl, protocol: protocol);

        var user = (await session.Crm.ResolveUserTicketAsync(session.Connection, DemoSeed.Ticket)).ShouldNotBeNull();

        (user.AssociateId, user.UserName, user.PrimaryGroupId, user.ContextIdentifier).ShouldBe((101, "demo", 1, "Cust12345"));
        user.GroupIds.ShouldBe([1, 2]);
        (await session.Crm.ResolveUserTicketAsync(session.Connection, "7T:forged")).ShouldBeNull();
        session.Store.ExpireTickets(DemoSeed.Ticket);
        (await session.Crm.ResolveUserTicketAsync(session.Connection, DemoSeed.Ticket)).ShouldBeNull();
    }

    [Fact]
    public async Task An_onsite_base_url_with_an_application_path_works_like_an_Online_one()
    {
        await using var session = await EmulatorSession.StartAsync(pathPrefix: "/SuperOffice", withWsdl: withWsdl, protocol: protocol);
        (await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0])).Count.ShouldBe(2);
        var under = protocol == CrmProtocol.Soap ? "/SuperOffice/Remote/Services75/" : "/SuperOffice/api/v1/";
        session.Emulator.Requests.Snapshot().ShouldAllBe(r => r.Path.StartsWith(under, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_with_a_bad_url_or_version_fails_permanently_without_calling()
    {
        using var soap = new NetServerCrm();
        using var rest = new NetServerRestCrm(Microsoft.Extensions.Options.Options.Create(new NetServerOptions()));
        var crm = new NetServerProtocols(soap, rest);
        var badUrl = await Should.ThrowAsync<CrmException>(() => crm.GetPersonAsync(new CrmConnection("t", "not a url", "75", "u", "p") { Protocol = protocol }, 1));
        (badUrl.Kind, badUrl.ErrorType).ShouldBe((CrmErrorKind.Permanent, "InvalidConfiguration"));
        var badVersion = await Should.ThrowAsync<CrmException>(() => crm.GetPersonAsync(new CrmConnection("t", "https://crm.example/app", "v8", "u", "p") { Protocol = protocol }, 1));
        badVersion.ErrorType.ShouldBe("InvalidConfiguration");
    }
}

/// <summary>The adapter against the emulator with SuperOffice's WSDL files: schema-written answers, validated requests.</summary>
public sealed class NetServerCrmWithWsdlTests() : NetServerCrmTests(withWsdl: true);

/// <summary>The adapter against the emulator without them, as from a bare clone: answers from its own writer.</summary>
public sealed class NetServerCrmWithoutWsdlTests() : NetServerCrmTests(withWsdl: false);

/// <summary>The REST adapter against the emulator's REST agents: the same operations, as JSON over <c>/api/v1/Agents</c>.</summary>
public sealed class NetServerRestCrmTests() : NetServerCrmTests(withWsdl: false, CrmProtocol.Rest);
