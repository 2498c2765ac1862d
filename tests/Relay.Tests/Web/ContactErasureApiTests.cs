using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Tests.Web;

/// <summary><c>DELETE /api/tenants/{tenant}/contacts/{contactId}</c>: who may erase a contact, what it answers, what it records.</summary>
public sealed class ContactErasureApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private readonly HttpClient _admin = factory.CreateClient();

    [Fact]
    public async Task An_admin_credential_erases_a_contact_which_then_reads_as_unknown_and_the_erasure_is_in_the_admin_log()
    {
        var tenant = await factory.CreateTenantAsync();
        await IngestAsync(tenant, "c-erase");
        await Eventually.GetAsync(() => _admin.GetAsync($"/api/tenants/{tenant}/contacts/c-erase"), r => r.StatusCode == HttpStatusCode.OK, "contact c-erase to be readable");
        using var erasing = await factory.CreateTenantClientAsync(tenant, "admin");

        var response = await erasing.DeleteAsync($"/api/tenants/{tenant}/contacts/c-erase");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var receipt = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        receipt["contactId"]!.GetValue<string>().ShouldBe("c-erase");
        receipt["wasKnown"]!.GetValue<bool>().ShouldBeTrue();
        receipt["complete"]!.GetValue<bool>().ShouldBeTrue();
        (await _admin.GetAsync($"/api/tenants/{tenant}/contacts/c-erase")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var log = JsonNode.Parse(await _admin.GetStringAsync($"/api/admin/tenants/{tenant}/history?area=contact"))!;
        var entry = log["entries"]!.AsArray().ShouldHaveSingleItem()!["change"]!;
        entry["subject"]!.GetValue<string>().ShouldBe("c-erase");
        entry["action"]!.GetValue<string>().ShouldBe("erase");
    }

    [Fact]
    public async Task Erasing_a_contact_Relay_never_heard_of_answers_200_and_says_it_was_not_known()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await _admin.DeleteAsync($"/api/tenants/{tenant}/contacts/never-seen");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["wasKnown"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Theory]
    [InlineData("read")]
    [InlineData("decide")]
    [InlineData("ingest")]
    public async Task A_credential_without_the_admin_scope_cannot_erase(string scope)
    {
        var tenant = await factory.CreateTenantAsync();
        await IngestAsync(tenant, "c-kept");
        await Eventually.GetAsync(() => _admin.GetAsync($"/api/tenants/{tenant}/contacts/c-kept"), r => r.StatusCode == HttpStatusCode.OK, "contact c-kept to be readable");
        using var client = await factory.CreateTenantClientAsync(tenant, scope);

        (await client.DeleteAsync($"/api/tenants/{tenant}/contacts/c-kept")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await factory.CreateAnonymousClient().DeleteAsync($"/api/tenants/{tenant}/contacts/c-kept")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _admin.GetAsync($"/api/tenants/{tenant}/contacts/c-kept")).StatusCode.ShouldBe(HttpStatusCode.OK, "nothing was erased");
    }

    [Fact]
    public async Task An_unknown_tenant_or_an_overlong_or_blank_contact_id_is_refused_with_a_problem()
    {
        var tenant = await factory.CreateTenantAsync();

        var unknown = await _admin.DeleteAsync("/api/tenants/w-nosuchtenant/contacts/c1");
        var overlong = await _admin.DeleteAsync($"/api/tenants/{tenant}/contacts/{new string('x', 300)}");
        var blank = await _admin.DeleteAsync($"/api/tenants/{tenant}/contacts/%20%20");

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonNode>())!["title"]!.GetValue<string>().ShouldBe("Unknown tenant");
        overlong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await overlong.Content.ReadFromJsonAsync<JsonNode>())!["title"]!.GetValue<string>().ShouldBe("Invalid contact id");
        blank.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private async Task IngestAsync(string tenant, string contactId)
    {
        var trigger = new JsonObject
        {
            ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
            ["type"] = "email.opened",
            ["occurredAt"] = "2026-11-29T10:15:00Z",
            ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = $"{Guid.NewGuid():N}@example.com", ["firstName"] = "Ann" },
        };
        using var content = new StringContent(new JsonArray(trigger).ToJsonString(), Encoding.UTF8, "application/json");
        (await _admin.PostAsync($"/api/tenants/{tenant}/triggers", content)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }
}
