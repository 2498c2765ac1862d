using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Crm;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServer.Tests;

/// <summary>The emulator's REST Agents API: the SOAP agents' operations as JSON, over the same store and handlers.</summary>
public sealed class RestAgentsTests
{
    [Fact]
    public async Task A_person_saved_over_REST_is_found_by_SOAP_FindAddress_and_shows_in_the_ledger()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);
        var company = session.Store.AddCompany("Rest Save AB");

        var person = JsonNode.Parse((await rest.PostAsync("Person/CreateDefaultPersonEntity")).Text)!.AsObject();
        person["Firstname"] = "Rita";
        person["Lastname"] = "Rest";
        person["Emails"] = new JsonArray(new JsonObject { ["Value"] = "rita.rest@example.com" });
        person["Contact"] = new JsonObject { ["ContactId"] = company.CompanyId };
        var saved = await rest.PostAsync("Person/SavePersonEntity", person.ToJsonString());

        saved.Status.ShouldBe(HttpStatusCode.OK);
        saved.ContentType.ShouldBe("application/json; charset=utf-8");
        var personId = saved.Json.GetProperty("PersonId").GetInt32();
        personId.ShouldBeGreaterThan(0);
        saved.Json.GetProperty("Emails")[0].GetProperty("Value").GetString().ShouldBe("rita.rest@example.com");
        var found = await session.Crm.FindPersonsByEmailAsync(session.Connection, "rita.rest@example.com");
        found.Single().PersonId.ShouldBe(personId);
        found.Single().CompanyId.ShouldBe(company.CompanyId);
        session.Store.Ledger().ShouldContain(e => e.Operation == "SavePersonEntity" && e.EntityId == personId);
    }

    [Fact]
    public async Task A_sale_created_over_SOAP_is_read_by_REST_GetSaleEntity()
    {
        await using var session = await EmulatorSession.StartAsync();
        var person = session.Store.AddPerson("Sam", "Soap", "sam.soap@example.com", session.Store.AddCompany("Soap Sale AB").CompanyId);
        var saleId = await session.Crm.CreateSaleAsync(
            session.Connection, new NewSale(new CrmPersonRef(person.PersonId, person.CompanyId), "Soap sale", 1234.5, 1, 25, 102, "soap-sale-1", DateTimeOffset.UtcNow));

        var sale = await new RestApi(session.Emulator.BaseUrl).PostAsync($"Sale/GetSaleEntity?saleEntityId={saleId}");

        sale.Status.ShouldBe(HttpStatusCode.OK);
        sale.Json.GetProperty("SaleId").GetInt32().ShouldBe(saleId);
        sale.Json.GetProperty("Heading").GetString().ShouldBe("Soap sale");
        sale.Json.GetProperty("Amount").GetDouble().ShouldBe(1234.5);
        sale.Json.GetProperty("Person").GetProperty("PersonId").GetInt32().ShouldBe(person.PersonId);
        sale.Json.GetProperty("Saledate").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$");
    }

    [Fact]
    public async Task A_sale_and_an_appointment_saved_over_REST_take_nested_carriers_numbers_and_dates()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);
        var person = session.Store.AddPerson("Ada", "Activity", "ada@example.com", session.Store.AddCompany("Activity AB").CompanyId);

        var sale = JsonNode.Parse((await rest.PostAsync("Sale/CreateDefaultSaleEntity", "{}")).Text)!.AsObject();
        sale["Person"] = new JsonObject { ["PersonId"] = person.PersonId };
        sale["Heading"] = "Rest sale";
        sale["Amount"] = 99.5;
        sale["Probability"] = 40;
        sale["SaleType"] = new JsonObject { ["Id"] = 2 };
        sale["Saledate"] = "2026-05-04T10:00:00";
        var savedSale = await rest.PostAsync("Sale/SaveSaleEntity", sale.ToJsonString());
        var appointment = JsonNode.Parse((await rest.PostAsync("Appointment/CreateDefaultAppointmentEntity", "null")).Text)!.AsObject();
        appointment["Person"] = new JsonObject { ["PersonId"] = person.PersonId };
        appointment["Task"] = new JsonObject { ["TaskListItemId"] = 3 };
        appointment["Description"] = "Call back";
        appointment["Type"] = "inChecklist";
        appointment["StartDate"] = "2026-05-04T12:00:00";
        var savedAppointment = await rest.PostAsync("Appointment/SaveAppointmentEntity", appointment.ToJsonString());

        savedSale.Status.ShouldBe(HttpStatusCode.OK, savedSale.Text);
        var stored = session.Store.Read(s => s.Sales[savedSale.Json.GetProperty("SaleId").GetInt32()]);
        (stored.Amount, stored.Probability, stored.SaleTypeId, stored.SaleDate).ShouldBe((99.5, 40, 2, new DateTime(2026, 5, 4, 10, 0, 0)));
        savedAppointment.Status.ShouldBe(HttpStatusCode.OK, savedAppointment.Text);
        var read = await rest.PostAsync($"appointment/getappointmententity?appointmentEntityId={savedAppointment.Json.GetProperty("AppointmentId").GetInt32()}");
        read.Json.GetProperty("Description").GetString().ShouldBe("Call back");
        read.Json.GetProperty("StartDate").GetString().ShouldBe("2026-05-04T12:00:00");
    }

    [Fact]
    public async Task A_contact_saved_over_REST_keeps_its_country_category_and_business()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);
        var contact = JsonNode.Parse((await rest.PostAsync("Contact/CreateDefaultContactEntity")).Text)!.AsObject();
        contact["Name"] = "Rest Company AS";
        contact["Country"] = new JsonObject { ["CountryId"] = 578 };
        contact["Category"] = new JsonObject { ["Id"] = 2 };
        contact["Business"] = new JsonObject { ["Id"] = 3 };

        var saved = await rest.PostAsync("Contact/SaveContactEntity", contact.ToJsonString());
        var read = await rest.PostAsync($"Contact/GetContactEntity?contactEntityId={saved.Json.GetProperty("ContactId").GetInt32()}");

        read.Json.GetProperty("Name").GetString().ShouldBe("Rest Company AS");
        var company = session.Store.Read(s => s.Companies[saved.Json.GetProperty("ContactId").GetInt32()]);
        (company.CountryId, company.CategoryId, company.BusinessId).ShouldBe((578, 2, 3));
    }

    [Fact]
    public async Task FindAddress_takes_an_Address_body_and_answers_a_bare_array()
    {
        await using var session = await EmulatorSession.StartAsync();

        var found = await new RestApi(session.Emulator.BaseUrl).PostAsync("EMail/FindAddress", """{"address":"info@nordlys.example"}""");

        found.Status.ShouldBe(HttpStatusCode.OK);
        found.Json.ValueKind.ShouldBe(JsonValueKind.Array);
        found.Json.GetArrayLength().ShouldBe(2);
        found.Json.EnumerateArray().ShouldAllBe(e => e.GetProperty("Address").GetString() == DemoSeed.SharedEmails[0]);
    }

    [Fact]
    public async Task Archive_rows_carry_ColumnData_as_an_object_keyed_by_column()
    {
        await using var session = await EmulatorSession.StartAsync();
        var body = """
            {"ProviderName":"Person","Columns":["personId","fullName","email/emailAddress"],"SortOrder":[{"Name":"personId","Direction":"ASC"}],
             "Restriction":[{"Name":"email/emailAddress","Operator":"is","Values":["info@nordlys.example"],"IsActive":true,"InterOperator":"And"}],
             "Entities":[],"Page":0,"PageSize":100}
            """;

        var rows = await new RestApi(session.Emulator.BaseUrl).PostAsync("Archive/GetArchiveListByColumns", body);

        rows.Status.ShouldBe(HttpStatusCode.OK, rows.Text);
        rows.Json.GetArrayLength().ShouldBe(2);
        var row = rows.Json[0];
        row.GetProperty("EntityName").GetString().ShouldBe("person");
        var cell = row.GetProperty("ColumnData").GetProperty("personId");
        cell.GetProperty("DisplayValue").GetString().ShouldBe($"[I:{row.GetProperty("PrimaryKey").GetInt32()}]");
        cell.GetProperty("TooltipHint").GetString().ShouldBe(string.Empty);
        cell.GetProperty("LinkHint").GetString().ShouldBe(string.Empty);
        row.GetProperty("ColumnData").GetProperty("email/emailAddress").GetProperty("DisplayValue").GetString().ShouldBe("info@nordlys.example");
    }

    [Fact]
    public async Task FindFromRestrictionsColumns_answers_columns_rows_and_the_row_count()
    {
        await using var session = await EmulatorSession.StartAsync();
        var body = """
            {"Restrictions":[{"Name":"email/emailAddress","Operator":"is","Values":["sales@bergstrom.example"],"IsActive":true}],
             "ProviderName":"Person","DesiredColumns":["personId"],"PageSize":1,"PageNumber":0}
            """;

        var found = await new RestApi(session.Emulator.BaseUrl).PostAsync("Find/FindFromRestrictionsColumns", body);

        found.Status.ShouldBe(HttpStatusCode.OK, found.Text);
        found.Json.GetProperty("RowCount").GetInt32().ShouldBe(2);
        found.Json.GetProperty("ArchiveRows").GetArrayLength().ShouldBe(1);
        found.Json.GetProperty("ArchiveRows")[0].GetProperty("ColumnData").GetProperty("personId").GetProperty("DisplayValue").GetString().ShouldStartWith("[I:");
        found.Json.GetProperty("ArchiveColumns")[0].GetProperty("Name").GetString().ShouldBe("personId");
    }

    [Fact]
    public async Task Selection_members_are_added_and_removed_with_204()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);
        var selection = session.Store.AddSelection("Rest selection");
        var person = session.Store.AddPerson("Sel", "Member", "sel@example.com");
        var body = new { SelectionId = selection.SelectionId, ContactPersonIds = new[] { new { PersonId = person.PersonId, ContactId = 0 } } };

        var added = await rest.PostAsync("Selection/AddContactSelectionMembers", body);
        var membersAfterAdd = session.Store.Read(s => s.Selections[selection.SelectionId].Members.Select(m => m.PersonId).ToList());
        var removed = await rest.PostAsync("Selection/RemoveContactSelectionMembers", body);

        added.Status.ShouldBe(HttpStatusCode.NoContent);
        added.Text.ShouldBeEmpty();
        membersAfterAdd.ShouldBe([person.PersonId]);
        removed.Status.ShouldBe(HttpStatusCode.NoContent);
        session.Store.Read(s => s.Selections[selection.SelectionId].Members.Count).ShouldBe(0);
    }

    [Fact]
    public async Task Project_members_are_added_listed_and_deleted()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);
        var project = session.Store.AddProject("Rest project");
        var person = session.Store.AddPerson("Pro", "Member", "pro@example.com");

        var added = await rest.PostAsync("Project/AddProjectMembers", new
        {
            ProjectEntityId = project.ProjectId,
            ProjectMembers = new[] { new { ContactId = 0, ProjectId = project.ProjectId, PersonId = person.PersonId } },
        });
        var members = await rest.PostAsync("Project/GetProjectMembers", new { ProjectId = project.ProjectId });
        var memberId = members.Json[0].GetProperty("ProjectmemberId").GetInt32();
        var deleted = await rest.PostAsync("Project/DeleteProjectMembers", new { ProjectEntityId = project.ProjectId, MemberIds = new[] { memberId } });

        added.Status.ShouldBe(HttpStatusCode.NoContent);
        members.Json.GetArrayLength().ShouldBe(1);
        members.Json[0].GetProperty("PersonId").GetInt32().ShouldBe(person.PersonId);
        deleted.Status.ShouldBe(HttpStatusCode.NoContent);
        session.Store.Read(s => s.Projects[project.ProjectId].Members.Count).ShouldBe(0);
    }

    [Fact]
    public async Task Consents_are_set_read_and_removed()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);
        var person = session.Store.AddPerson("Con", "Sent", "consent@example.com");

        var set = await rest.PostAsync("Person/SetConsent", new { PersonId = person.PersonId, Purpose = "EMAIL", Source = "FORM", LegalBase = "CONSENT", Comment = "rest" });
        var infos = await rest.PostAsync("Person/GetConsentInfos", new { PersonId = person.PersonId });
        var removed = await rest.PostAsync("Person/RemoveConsent", new { PersonId = person.PersonId, Purpose = "EMAIL" });
        var after = await rest.PostAsync("Person/GetConsentInfos", new { PersonId = person.PersonId });

        set.Status.ShouldBe(HttpStatusCode.NoContent);
        infos.Json.GetArrayLength().ShouldBe(1);
        infos.Json[0].GetProperty("ConsentPurposeKey").GetString().ShouldBe("EMAIL");
        infos.Json[0].GetProperty("LegalBaseKey").GetString().ShouldBe("CONSENT");
        infos.Json[0].GetProperty("Comment").GetString().ShouldBe("rest");
        infos.Json[0].GetProperty("Registered").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$");
        removed.Status.ShouldBe(HttpStatusCode.NoContent);
        after.Json.GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Lists_MDO_lists_user_groups_and_associates_answer_as_JSON()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);

        var countries = await rest.PostAsync("List/GetCountries");
        var categories = await rest.PostAsync("List/GetCategories", "{}");
        var businesses = await rest.PostAsync("List/GetBusinesses", "null");
        var interests = await rest.PostAsync("MDO/GetList", new { Name = "persinterest", ForceFlatList = true, AdditionalInfo = "", OnlyHistory = false });
        var groups = await rest.PostAsync("User/GetAllUserGroups", new { IncludeDeleted = false });
        var associate = await rest.PostAsync("Associate/GetAssociate?associateId=102");
        var byArray = await rest.PostAsync("Associate/GetAssociateList", "[101,104]");
        var byObject = await rest.PostAsync("Associate/GetAssociateList", """{"AssociateIds":[103]}""");

        countries.Json.EnumerateArray().ShouldContain(c => c.GetProperty("CountryId").GetInt32() == 578);
        categories.Json.EnumerateArray().Select(c => c.GetProperty("Value").GetString()).ShouldBe(["Customer", "Prospect", "Partner"]);
        businesses.Json.GetArrayLength().ShouldBe(4);
        interests.Json.GetArrayLength().ShouldBe(8);
        interests.Json[0].GetProperty("Name").GetString().ShouldBe("Newsletter");
        interests.Json[0].GetProperty("ChildItems").ValueKind.ShouldBe(JsonValueKind.Array);
        groups.Json.EnumerateArray().Select(g => g.GetProperty("Value").GetString()).ShouldBe(["Sales", "Marketing"]);
        associate.Json.GetProperty("AssociateId").GetInt32().ShouldBe(102);
        byArray.Json.EnumerateArray().Select(a => a.GetProperty("AssociateId").GetInt32()).ShouldBe([101, 104]);
        byObject.Json.EnumerateArray().Select(a => a.GetProperty("AssociateId").GetInt32()).ShouldBe([103]);
    }

    [Theory]
    [InlineData("Person/GetPersonEntity?personEntityId=999999")]
    [InlineData("Contact/GetContactEntity?contactEntityId=999999")]
    [InlineData("Sale/GetSaleEntity?saleEntityId=999999")]
    [InlineData("Appointment/GetAppointmentEntity?appointmentEntityId=999999")]
    [InlineData("Associate/GetAssociate?associateId=999999")]
    public async Task A_getter_of_an_unknown_id_answers_200_with_null(string path)
    {
        await using var session = await EmulatorSession.StartAsync();

        var reply = await new RestApi(session.Emulator.BaseUrl).PostAsync(path);

        reply.Status.ShouldBe(HttpStatusCode.OK);
        reply.Text.ShouldBe("null");
    }

    [Theory]
    [InlineData("Person/GetPersonEntity", "personEntityId")]
    [InlineData("Contact/GetContactEntity?contactEntityId=glops", "contactEntityId")]
    public async Task A_missing_or_non_int_key_parameter_is_a_400_naming_it(string path, string parameter)
    {
        await using var session = await EmulatorSession.StartAsync();

        var reply = await new RestApi(session.Emulator.BaseUrl).PostAsync(path);

        reply.Status.ShouldBe(HttpStatusCode.BadRequest);
        reply.Json.GetProperty("Message").GetString().ShouldBe("The request is invalid.");
        reply.Json.GetProperty("MessageDetail").GetString().ShouldBe($"The parameters dictionary contains a null entry for parameter '{parameter}'.");
    }

    [Theory]
    [InlineData("EMail/FindAddress", "{\"Address\":")]
    [InlineData("EMail/FindAddress", "[\"a@b\"]")]
    [InlineData("Person/SavePersonEntity", "42")]
    public async Task A_malformed_body_or_one_of_the_wrong_kind_is_a_400(string path, string body)
    {
        await using var session = await EmulatorSession.StartAsync();

        var reply = await new RestApi(session.Emulator.BaseUrl).PostAsync(path, body);

        reply.Status.ShouldBe(HttpStatusCode.BadRequest);
        reply.Json.GetProperty("Message").GetString().ShouldBe("The request is invalid.");
        reply.Json.GetProperty("MessageDetail").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_415()
    {
        await using var session = await EmulatorSession.StartAsync();

        var reply = await new RestApi(session.Emulator.BaseUrl).PostAsync("EMail/FindAddress", "<Address/>", contentType: "text/xml");

        reply.Status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_unknown_operation_or_SoPrincipal_is_a_404_and_a_GET_is_a_405()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);

        var unknown = await rest.PostAsync("Person/DeletePersonEntity", "{}");
        var soPrincipal = await rest.PostAsync("SoPrincipal/AuthenticateUsernamePassword", """{"UserName":"demo","Password":"demo"}""");
        var get = await rest.SendAsync(HttpMethod.Get, "api/v1/Agents/Person/CreateDefaultPersonEntity");

        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        unknown.Json.GetProperty("Error").GetBoolean().ShouldBeTrue();
        soPrincipal.Status.ShouldBe(HttpStatusCode.NotFound);
        get.Status.ShouldBe(HttpStatusCode.MethodNotAllowed);
        session.Store.Ledger().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, "SoSessionExpiredException")]
    [InlineData("SOTicket 7T:not-a-ticket", "SoSessionExpiredException")]
    [InlineData("Bearer 8A:Cust12345.abc", "SoAuthenticationException")]
    [InlineData("Basic ZGVtbzp3cm9uZw==", "SoAuthenticationException")]
    public async Task A_call_without_valid_credentials_is_a_401_with_the_error_body(string? authorization, string errorType)
    {
        await using var session = await EmulatorSession.StartAsync();

        var reply = await new RestApi(session.Emulator.BaseUrl).PostAsync("List/GetCountries", authorization: authorization);

        reply.Status.ShouldBe(HttpStatusCode.Unauthorized);
        reply.Headers.WwwAuthenticate.ToString().ShouldBe("SOTicket");
        reply.Json.GetProperty("Error").GetBoolean().ShouldBeTrue();
        reply.Json.GetProperty("ErrorType").GetString().ShouldBe(errorType);
        reply.Json.GetProperty("ErrorSource").GetString().ShouldBe("SuperOffice.NetServer (emulator)");
    }

    [Fact]
    public async Task An_expired_ticket_is_a_401_and_the_scheme_name_is_case_insensitive()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);

        var lowerCase = await rest.PostAsync("List/GetCountries", authorization: "soticket " + DemoSeed.Ticket);
        session.Store.ExpireTickets(DemoSeed.Ticket);
        var expired = await rest.PostAsync("List/GetCountries");

        lowerCase.Status.ShouldBe(HttpStatusCode.OK);
        expired.Status.ShouldBe(HttpStatusCode.Unauthorized);
        expired.Json.GetProperty("ErrorMessage").GetString().ShouldBe("The ticket is invalid or has expired; authenticate again");
    }

    [Fact]
    public async Task Basic_authentication_runs_the_call_as_that_user_onsite()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);

        var contact = await rest.PostAsync("Contact/CreateDefaultContactEntity", authorization: RestApi.Basic("anna", "anna"));
        var principal = await rest.SendAsync(HttpMethod.Get, "api/v1/User/currentPrincipal", authorization: RestApi.Basic("anna", "anna"));

        contact.Status.ShouldBe(HttpStatusCode.OK);
        contact.Json.GetProperty("Associate").GetProperty("AssociateId").GetInt32().ShouldBe(102);
        principal.Json.GetProperty("AssociateId").GetInt32().ShouldBe(102);
        principal.Json.GetProperty("UserName").GetString().ShouldBe("anna");
    }

    [Fact]
    public async Task CurrentPrincipal_answers_the_ticket_holders_SoPrincipalCarrier()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);

        var principal = await rest.SendAsync(HttpMethod.Get, "api/v1/User/currentPrincipal");
        var anonymous = await rest.SendAsync(HttpMethod.Get, "api/v1/User/currentPrincipal", authorization: null);

        principal.Status.ShouldBe(HttpStatusCode.OK);
        var p = principal.Json;
        p.GetProperty("AssociateId").GetInt32().ShouldBe(101);
        p.GetProperty("Associate").GetString().ShouldBe(DemoSeed.UserName);
        p.GetProperty("UserName").GetString().ShouldBe(DemoSeed.UserName);
        p.GetProperty("FullName").GetString().ShouldBe("Demo User");
        p.GetProperty("GroupId").GetInt32().ShouldBe(1);
        p.GetProperty("SecondaryGroups").EnumerateArray().Select(g => g.GetInt32()).ShouldBe([2]);
        p.GetProperty("DatabaseContextIdentifier").GetString().ShouldBe("Cust12345");
        p.GetProperty("UserType").GetString().ShouldBe("InternalAssociate");
        p.TryGetProperty("PersonId", out _).ShouldBeTrue();
        p.TryGetProperty("ContactId", out _).ShouldBeTrue();
        p.TryGetProperty("EMailAddress", out _).ShouldBeTrue();
        anonymous.Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_api_root_tells_where_v1_lives_without_credentials()
    {
        await using var session = await EmulatorSession.StartAsync();

        var reply = await new RestApi(session.Emulator.BaseUrl).SendAsync(HttpMethod.Get, "api", authorization: null);

        reply.Status.ShouldBe(HttpStatusCode.OK);
        reply.Json.GetProperty("v1").GetString().ShouldBe($"{session.Emulator.BaseUrl}Cust12345/api/v1/");
        reply.Json.GetProperty("Services").GetString().ShouldBe("Services88");
        reply.Json.GetProperty("ServicesCurrent").GetString().ShouldBe("Services88");
        reply.Json.GetProperty("NetServerVersion").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task REST_calls_are_in_the_request_log_as_version_rest()
    {
        await using var session = await EmulatorSession.StartAsync();
        var rest = new RestApi(session.Emulator.BaseUrl);

        await rest.PostAsync("Person/GetPersonEntity?personEntityId=999999");
        await rest.PostAsync("EMail/FindAddress", """{"Address":"nobody@example.com"}""");
        await rest.PostAsync("List/GetCountries", authorization: null);

        var calls = session.Emulator.Requests.Snapshot().Where(r => r.Version == "rest").ToList();
        calls.Select(c => (c.Agent, c.Operation, c.Status)).ShouldBe([("Person", "GetPersonEntity", 200), ("EMail", "FindAddress", 200), ("List", "GetCountries", 401)]);
        calls.ShouldAllBe(c => c.SoapAction == null);
        calls[0].RequestEnvelope.ShouldBe("?personEntityId=999999");
        calls[1].RequestEnvelope.ShouldBe("""{"Address":"nobody@example.com"}""");
        calls[1].ContentType.ShouldStartWith("application/json");
        calls[1].Outcome.ShouldBe("ok");
    }
}
