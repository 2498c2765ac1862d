using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Relay.NetServerEmulator.Data;

namespace Relay.Tests.Web;

/// <summary>One automation at a time through the admin API: ETags, If-Match, history, SuperOffice references and pick lists.</summary>
public sealed class AutomationsApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private const string Opened = """{"type":"email.opened"}""";

    [Fact]
    public async Task A_new_automation_is_created_with_an_etag_that_reading_it_gives_back_and_its_creation_is_recorded()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();

        var created = await SendAsync(admin, HttpMethod.Put, Url(tenant, "welcome"), Automation("Welcome", """{"type":"addInterest","interestId":4}"""));
        var read = await admin.GetAsync(Url(tenant, "welcome"));

        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().ShouldBe(Url(tenant, "welcome"));
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        body["referenceCheck"]!["ran"]!.GetValue<bool>().ShouldBeTrue();
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag!.Tag.ShouldBe(created.Headers.ETag!.Tag);
        body["etag"]!.GetValue<string>().ShouldBe(created.Headers.ETag!.Tag);
        JsonNode.Parse(await read.Content.ReadAsStringAsync())!["name"]!.GetValue<string>().ShouldBe("Welcome");
        var history = JsonNode.Parse(await admin.GetStringAsync(Url(tenant, "welcome") + "/history"))!;
        history["total"]!.GetValue<int>().ShouldBe(1);
        history["entries"]![0]!["action"]!.GetValue<string>().ShouldBe("created");
        history["entries"]![0]!["who"]!.GetValue<string>().ShouldBe("operator");
        history["entries"]![0]!["after"]!["name"]!.GetValue<string>().ShouldBe("Welcome");
    }

    [Fact]
    public async Task A_change_made_with_an_etag_someone_else_has_since_replaced_is_refused_with_412_naming_who_and_nothing_changes()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        using var other = await factory.CreateTenantClientAsync(tenant, "admin");
        var read = (await SendAsync(admin, HttpMethod.Put, Url(tenant, "shared"), Automation("First"))).Headers.ETag!.Tag;

        var theirs = await SendAsync(other, HttpMethod.Put, Url(tenant, "shared"), Automation("Theirs"), read);
        var mine = await SendAsync(admin, HttpMethod.Put, Url(tenant, "shared"), Automation("Mine"), read);

        theirs.StatusCode.ShouldBe(HttpStatusCode.OK, await theirs.Content.ReadAsStringAsync());
        mine.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        var problem = JsonNode.Parse(await mine.Content.ReadAsStringAsync())!;
        problem["title"]!.GetValue<string>().ShouldBe("Someone else changed this automation");
        problem["changedBy"]!.GetValue<string>().ShouldStartWith("test admin");
        problem["currentETag"]!.GetValue<string>().ShouldBe(theirs.Headers.ETag!.Tag);
        JsonNode.Parse(await admin.GetStringAsync(Url(tenant, "shared")))!["name"]!.GetValue<string>().ShouldBe("Theirs");
        var history = JsonNode.Parse(await admin.GetStringAsync(Url(tenant, "shared") + "/history"))!["entries"]!.AsArray();
        history.Select(e => e!["action"]!.GetValue<string>()).ShouldBe(["changed", "created"]);
        history[0]!["before"]!["name"]!.GetValue<string>().ShouldBe("First");
    }

    [Fact]
    public async Task Replacing_or_deleting_an_existing_automation_needs_If_Match_and_a_star_overwrites_whatever_is_there()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        await SendAsync(admin, HttpMethod.Put, Url(tenant, "a1"), Automation("One"));

        (await SendAsync(admin, HttpMethod.Put, Url(tenant, "a1"), Automation("Two"))).StatusCode.ShouldBe(HttpStatusCode.PreconditionRequired);
        (await SendAsync(admin, HttpMethod.Delete, Url(tenant, "a1"))).StatusCode.ShouldBe(HttpStatusCode.PreconditionRequired);
        var overwritten = await SendAsync(admin, HttpMethod.Put, Url(tenant, "a1"), Automation("Two"), "*");
        var deleted = await SendAsync(admin, HttpMethod.Delete, Url(tenant, "a1"), ifMatch: overwritten.Headers.ETag!.Tag);

        overwritten.StatusCode.ShouldBe(HttpStatusCode.OK);
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.GetAsync(Url(tenant, "a1"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(admin, HttpMethod.Delete, Url(tenant, "a1"), ifMatch: overwritten.Headers.ETag!.Tag)).StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed, "it is gone since it was read");
        (await SendAsync(admin, HttpMethod.Delete, Url(tenant, "a1"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var history = JsonNode.Parse(await admin.GetStringAsync(Url(tenant, "a1") + "/history"))!["entries"]!.AsArray();
        history[0]!["action"]!.GetValue<string>().ShouldBe("deleted");
        history[0]!["before"]!["name"]!.GetValue<string>().ShouldBe("Two");
        history[0]!["after"].ShouldBeNull();
    }

    [Fact]
    public async Task An_automation_naming_records_SuperOffice_does_not_have_is_refused_field_by_field()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        var dynamic = (await ListAsync(admin, tenant, "selections")).Single(s => s!["name"]!.GetValue<string>() == "All customers (dynamic)")!;

        var response = await SendAsync(admin, HttpMethod.Put, Url(tenant, "broken"), Automation(
            "Broken",
            """{"type":"createSale","heading":"Lead","amount":1,"saleTypeId":99,"probability":10,"owner":{"kind":"associate","associateId":9999}}""",
            $$"""{"type":"addToSelection","selectionId":{{dynamic["id"]}}}""",
            """{"type":"addToProject","projectId":987654}""",
            """{"type":"removeInterest","interestId":77}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Errors(await response.Content.ReadAsStringAsync()).ShouldBe(
        [
            "actions[0].saleTypeId: sale type 99 does not exist in SuperOffice",
            "actions[0].owner.associateId: associate 9999 does not exist in SuperOffice",
            $"actions[1].selectionId: selection 'All customers (dynamic)' ({dynamic["id"]}) is Dynamic; only a static selection takes members",
            "actions[2].projectId: project 987654 does not exist in SuperOffice",
            "actions[3].interestId: interest 77 does not exist in SuperOffice",
        ]);
        (await admin.GetAsync(Url(tenant, "broken"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task When_SuperOffice_cannot_be_asked_the_automation_is_saved_and_the_answer_says_the_check_did_not_run()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        (await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { crm = new { baseUrl = factory.Emulator.BaseUrl.ToString(), userName = DemoSeed.UserName, password = "not-the-password" } })).EnsureSuccessStatusCode();

        var response = await SendAsync(admin, HttpMethod.Put, Url(tenant, "unchecked"), Automation("Unchecked", """{"type":"addInterest","interestId":77}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var check = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["referenceCheck"]!;
        check["ran"]!.GetValue<bool>().ShouldBeFalse();
        check["detail"]!.GetValue<string>().ShouldStartWith("The SuperOffice references could not be checked");
        (await admin.GetAsync($"/api/admin/tenants/{tenant}/automations/check")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Structural_problems_and_a_reserved_or_mismatched_id_are_refused_before_SuperOffice_is_asked()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();

        var invalid = await SendAsync(admin, HttpMethod.Put, Url(tenant, "x"), """{"when":{"type":"email.opened"},"actions":[{"type":"createSale","heading":"","amount":1,"probability":500,"owner":{"kind":"companyAssociate"}}]}""");
        var reserved = await SendAsync(admin, HttpMethod.Put, Url(tenant, "new"), Automation("New"));
        var renamed = await SendAsync(admin, HttpMethod.Put, Url(tenant, "x"), """{"id":"y","when":{"type":"email.opened"},"actions":[{"type":"addInterest","interestId":1}]}""");

        Errors(await invalid.Content.ReadAsStringAsync()).ShouldBe(["actions[0].heading: required", "actions[0].probability: must be between 0 and 100"]);
        Errors(await reserved.Content.ReadAsStringAsync()).Single().ShouldStartWith("id: 'new' is reserved");
        Errors(await renamed.Content.ReadAsStringAsync()).Single().ShouldStartWith("id: 'y' is not the id in the URL");
        JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/automations"))!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_check_flags_the_automation_whose_selection_was_deleted_in_SuperOffice_and_no_other()
    {
        var doomed = factory.Emulator.Store.AddSelection("Doomed " + Guid.NewGuid().ToString("N")[..6]);
        var tenant = await factory.CreateTenantAsync($$"""
            [{"id":"fine","when":{{Opened}},"actions":[{"type":"addInterest","interestId":1}]},
             {"id":"doomed","when":{{Opened}},"actions":[{"type":"addInterest","interestId":2},{"type":"addToSelection","selectionId":{{doomed.SelectionId}}}]}]
            """);
        using var admin = factory.CreateAdminClient();
        using var emulator = new HttpClient { BaseAddress = factory.Emulator.BaseUrl };
        (await admin.GetStringAsync($"/api/admin/tenants/{tenant}/automations/check")).ShouldNotContain("does not exist");

        (await emulator.DeleteAsync($"/admin/selections/{doomed.SelectionId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var report = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/automations/check"))!["automations"]!.AsArray();

        report.Select(a => a!["id"]!.GetValue<string>()).ShouldBe(["fine", "doomed"]);
        report[0]!["problems"]!.AsArray().ShouldBeEmpty();
        report[1]!["problems"]!.AsArray().Select(p => p!.GetValue<string>()).ShouldBe([$"actions[1].selectionId: selection {doomed.SelectionId} does not exist in SuperOffice"]);
    }

    [Theory]
    [InlineData("saleTypes", "Upsell")]
    [InlineData("taskTypes", "Phone call")]
    [InlineData("projects", "Spring launch")]
    [InlineData("interests", "Webinars")]
    [InlineData("associates", "Anna Sales")]
    [InlineData("selections", "Newsletter subscribers")]
    public async Task A_pick_list_names_SuperOffices_records_and_is_reused_for_a_while(string list, string expected)
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();

        var first = await ListAsync(admin, tenant, list);
        var total = factory.Emulator.Requests.Total;
        var again = await ListAsync(admin, tenant, list);

        first.Select(i => i!["name"]!.GetValue<string>()).ShouldContain(expected);
        again.ToJsonString().ShouldBe(first.ToJsonString());
        factory.Emulator.Requests.Total.ShouldBe(total, "the second read is answered from the copy");
    }

    [Fact]
    public async Task Selections_say_which_take_members_and_an_unknown_list_is_not_found()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();

        var selections = await ListAsync(admin, tenant, "selections");
        var unknown = await admin.GetAsync($"/api/admin/tenants/{tenant}/crm/lists/persons");

        selections.Single(s => s!["name"]!.GetValue<string>() == "Newsletter subscribers")!["takesMembers"]!.GetValue<bool>().ShouldBeTrue();
        selections.Single(s => s!["name"]!.GetValue<string>() == "All customers (dynamic)")!["takesMembers"]!.GetValue<bool>().ShouldBeFalse();
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync("/api/admin/tenants/nobody-here/crm/lists/saleTypes")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_whole_array_put_records_each_automation_it_created_changed_or_deleted()
    {
        var tenant = await factory.CreateTenantAsync($$"""[{"id":"keep","when":{{Opened}},"actions":[{"type":"addInterest","interestId":1}]},{"id":"drop","when":{{Opened}},"actions":[{"type":"addInterest","interestId":1}]}]""");
        using var admin = factory.CreateAdminClient();

        (await SendAsync(admin, HttpMethod.Put, $"/api/admin/tenants/{tenant}/automations", $$"""[{"id":"keep","when":{{Opened}},"actions":[{"type":"addInterest","interestId":1}]},{"id":"add","when":{{Opened}},"actions":[{"type":"addInterest","interestId":3}]}]""")).EnsureSuccessStatusCode();

        async Task<string[]> ActionsAsync(string id) =>
            [.. JsonNode.Parse(await admin.GetStringAsync(Url(tenant, id) + "/history"))!["entries"]!.AsArray().Select(e => e!["action"]!.GetValue<string>())];
        (await ActionsAsync("keep")).ShouldBe(["created"]);
        (await ActionsAsync("drop")).ShouldBe(["deleted", "created"]);
        (await ActionsAsync("add")).ShouldBe(["created"]);
    }

    [Fact]
    public async Task Every_automation_endpoint_needs_the_tenants_admin_scope()
    {
        var tenant = await factory.CreateTenantAsync($$"""[{"id":"a","when":{{Opened}},"actions":[{"type":"addInterest","interestId":1}]}]""");
        using var reader = await factory.CreateTenantClientAsync(tenant, "read");
        using var anonymous = factory.CreateAnonymousClient();

        foreach (var (method, path) in new[] { ("GET", "automations/a"), ("PUT", "automations/a"), ("DELETE", "automations/a"), ("GET", "automations/a/history"), ("GET", "automations/check"), ("GET", "crm/lists/saleTypes") })
        {
            (await SendAsync(reader, new HttpMethod(method), $"/api/admin/tenants/{tenant}/{path}", method == "PUT" ? Automation("x") : null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            (await SendAsync(anonymous, new HttpMethod(method), $"/api/admin/tenants/{tenant}/{path}", method == "PUT" ? Automation("x") : null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
        }
    }

    private static string Url(string tenant, string id) => $"/api/admin/tenants/{tenant}/automations/{id}";

    private static string Automation(string name, params string[] actions) =>
        $$"""{"name":"{{name}}","when":{{Opened}},"actions":[{{(actions.Length == 0 ? """{"type":"addInterest","interestId":1}""" : string.Join(',', actions))}}]}""";

    private static async Task<JsonArray> ListAsync(HttpClient client, string tenant, string list) =>
        JsonNode.Parse(await client.GetStringAsync($"/api/admin/tenants/{tenant}/crm/lists/{list}"))!.AsArray();

    private static IEnumerable<string> Errors(string problem) => JsonNode.Parse(problem)!["errors"]!.AsArray().Select(e => e!.GetValue<string>());

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string? json = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }
}
