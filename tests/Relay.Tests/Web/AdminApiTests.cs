using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Tests.Web;

/// <summary>Tenant settings and automations through the admin API, behind the admin key.</summary>
public sealed class AdminApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Without_the_operator_key_nothing_is_read_or_changed(string? key)
    {
        using var client = factory.CreateAnonymousClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        (await client.GetAsync("/api/admin/tenants/demo")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var put = await client.PutAsJsonAsync("/api/admin/tenants/sneaky", new { crm = new { baseUrl = "https://x.example" } });
        put.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var admin = factory.CreateAdminClient();
        (await admin.GetAsync("/api/admin/tenants/sneaky")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_tenant_is_created_then_replaced_and_its_password_is_never_shown()
    {
        using var admin = factory.CreateAdminClient();
        var tenant = "a-" + Guid.NewGuid().ToString("N")[..10];
        var settings = new { displayName = "Acme", crm = new { baseUrl = "https://crm.acme.example/SuperOffice", servicesVersion = "88", userName = "relay", password = "s3cret", emailLookup = "archivePerson", protocol = "rest" }, createCompanyOnApprove = true };

        var created = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", settings);
        var replaced = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", settings with { displayName = "Acme AB" });
        var body = await admin.GetStringAsync($"/api/admin/tenants/{tenant}");

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        body.ShouldNotContain("s3cret");
        var node = JsonNode.Parse(body)!;
        node["settings"]!["displayName"]!.GetValue<string>().ShouldBe("Acme AB");
        node["settings"]!["crm"]!["servicesVersion"]!.GetValue<string>().ShouldBe("88");
        node["settings"]!["crm"]!["emailLookup"]!.GetValue<string>().ShouldBe("archivePerson");
        node["settings"]!["crm"]!["protocol"]!.GetValue<string>().ShouldBe("rest");
        node["hasPassword"]!.GetValue<bool>().ShouldBeTrue();
        node["version"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task Invalid_settings_are_refused_with_reasons()
    {
        using var admin = factory.CreateAdminClient();

        var response = await admin.PutAsJsonAsync("/api/admin/tenants/bad-settings", new { crm = new { baseUrl = "not a url", servicesVersion = "99" }, leadExpiryDays = 0 });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldContain(e => e.StartsWith("crm.baseUrl:", StringComparison.Ordinal));
        errors.ShouldContain("crm.servicesVersion: must be \"75\" or \"88\"");
        errors.ShouldContain("leadExpiryDays: must be between 1 and 3650");
        (await admin.GetAsync("/api/admin/tenants/bad-settings")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_protocol_other_than_soap_or_rest_is_refused_and_nothing_is_stored()
    {
        using var admin = factory.CreateAdminClient();
        var tenant = "p-" + Guid.NewGuid().ToString("N")[..10];

        var response = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { crm = new { baseUrl = "https://crm.acme.example/SuperOffice", protocol = "graphql" } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("protocol");
        (await admin.GetAsync($"/api/admin/tenants/{tenant}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_tenant_id_that_could_not_be_a_grain_key_is_refused()
    {
        using var admin = factory.CreateAdminClient();

        var response = await admin.PutAsJsonAsync("/api/admin/tenants/Bad:Id", new { crm = new { baseUrl = "https://x.example" } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Automations_are_stored_and_read_back()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        const string automations = """
            [{"id":"pricing","name":"Pricing","when":{"type":"email.clicked","linkUrl":"https://example.com/pricing","linkMatch":"prefix"},
              "runPolicy":"oncePerContact",
              "actions":[{"type":"createSale","heading":"Pricing","amount":100,"probability":10,"owner":{"kind":"companyAssociate"}},
                         {"type":"createTask","description":"Call","dueInDays":1,"owner":{"kind":"associate","associateId":4}}]}]
            """;

        var put = await PutJsonAsync(admin, $"/api/admin/tenants/{tenant}/automations", automations);
        var read = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/automations"))!.AsArray();

        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Count.ShouldBe(1);
        read[0]!["runPolicy"]!.GetValue<string>().ShouldBe("oncePerContact");
        read[0]!["when"]!["linkMatch"]!.GetValue<string>().ShouldBe("prefix");
        read[0]!["actions"]![1]!["type"]!.GetValue<string>().ShouldBe("createTask");
        read[0]!["actions"]![1]!["owner"]!["associateId"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task Invalid_automations_are_refused_with_reasons_and_the_old_ones_stay()
    {
        var tenant = await factory.CreateTenantAsync("""[{"id":"keep","when":{"type":"email.opened"},"actions":[{"type":"addInterest","interestId":1}]}]""");
        using var admin = factory.CreateAdminClient();

        var response = await PutJsonAsync(admin, $"/api/admin/tenants/{tenant}/automations", """[{"id":"x","when":{"type":"email.opened"},"actions":[{"type":"createSale","heading":"","amount":1,"probability":500,"owner":{"kind":"associate"}}]}]""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!.GetValue<string>());
        errors.ShouldBe(
        [
            "automations[0].actions[0].heading: required",
            "automations[0].actions[0].probability: must be between 0 and 100",
            "automations[0].actions[0].owner.associateId: a positive associate id is required for kind 'associate'",
        ]);
        JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/automations"))![0]!["id"]!.GetValue<string>().ShouldBe("keep");
    }

    [Theory]
    [InlineData("""[{"id":"x","when":{"type":"email.opened"},"actions":[{"type":"explode"}]}]""")]
    [InlineData("""[{"id":"x","when":{"type":"email.nope"},"actions":[]}]""")]
    [InlineData("""[{"id":"x","when":{},"actions":[{"type":"addInterest","interestId":1}]}]""")]
    [InlineData("""{"id":"x"}""")]
    public async Task Automations_json_that_cannot_be_read_is_refused_with_the_reason(string json)
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();

        var response = await PutJsonAsync(admin, $"/api/admin/tenants/{tenant}/automations", json);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Automations_for_an_unknown_tenant_are_not_found()
    {
        using var admin = factory.CreateAdminClient();

        (await PutJsonAsync(admin, "/api/admin/tenants/nobody-here/automations", "[]")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_demo_tenant_of_the_embedded_default_exists_with_its_automations()
    {
        using var admin = factory.CreateAdminClient();

        var automations = await Eventually.GetAsync(
            async () => await admin.GetAsync("/api/admin/tenants/demo/automations"),
            r => r.StatusCode == HttpStatusCode.OK,
            "the demo tenant to be seeded");

        JsonNode.Parse(await automations.Content.ReadAsStringAsync())!.AsArray().Count.ShouldBe(3);
    }

    private static async Task<HttpResponseMessage> PutJsonAsync(HttpClient client, string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PutAsync(url, content);
    }
}
