using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Crm;

namespace Relay.Tests.Web;

/// <summary>A tenant's NetServer address and credentials through the admin API: where they may point, and when they are kept.</summary>
public sealed class TenantCrmSettingsApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private const string Password = "pw-7e1c9a", Token = "tok-51d0b2";

    [Fact]
    public async Task Changing_the_address_or_user_name_drops_the_password_and_token_unless_sent_again()
    {
        using var admin = factory.CreateAdminClient();
        var tenant = "s-" + Guid.NewGuid().ToString("N")[..10];
        const string a = "https://crm-a.relay-test.invalid/SuperOffice", b = "https://crm-b.relay-test.invalid/SuperOffice";

        var created = await PutAsync(admin, tenant, new { baseUrl = a, userName = "relay", password = Password, applicationToken = Token });
        var omitted = await PutAsync(admin, tenant, new { baseUrl = a + "/", userName = "relay" });
        var moved = await PutAsync(admin, tenant, new { baseUrl = b, userName = "relay" });
        var sentAgain = await PutAsync(admin, tenant, new { baseUrl = b, userName = "relay", password = Password });
        var otherUser = await PutAsync(admin, tenant, new { baseUrl = b, userName = "someone-else" });

        Secrets(created).ShouldBe((true, true));
        Secrets(omitted).ShouldBe((true, true));
        Secrets(moved).ShouldBe((false, false));
        Secrets(sentAgain).ShouldBe((true, false));
        Secrets(otherUser).ShouldBe((false, false));
        foreach (var body in new[] { created, omitted, moved, sentAgain, otherUser, JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}"))! })
        {
            body.ToJsonString().ShouldNotContain(Password);
            body.ToJsonString().ShouldNotContain(Token);
            body.ToJsonString().ShouldNotContain(CrmSecrets.Prefix);
        }
    }

    [Fact]
    public async Task An_empty_password_or_token_removes_it()
    {
        using var admin = factory.CreateAdminClient();
        var tenant = "s-" + Guid.NewGuid().ToString("N")[..10];
        const string url = "https://crm.relay-test.invalid/SuperOffice";
        await PutAsync(admin, tenant, new { baseUrl = url, userName = "relay", password = Password, applicationToken = Token });

        var cleared = await PutAsync(admin, tenant, new { baseUrl = url, userName = "relay", applicationToken = "" });

        Secrets(cleared).ShouldBe((true, false));
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://10.0.0.5/SuperOffice", "private")]
    [InlineData("https://192.168.0.10/SuperOffice", "private")]
    [InlineData("https://127.0.0.1/SuperOffice", "loopback")]
    [InlineData("https://localhost/SuperOffice", "loopback")]
    [InlineData("http://crm.relay-test.invalid/SuperOffice", "must use https")]
    [InlineData("https://crm.relay-test.invalid/SuperOffice?x=1", "query")]
    public async Task A_NetServer_address_that_breaks_a_rule_is_refused_with_the_rule(string baseUrl, string rule)
    {
        using var admin = factory.CreateAdminClient();
        var tenant = "s-" + Guid.NewGuid().ToString("N")[..10];

        var response = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { crm = new { baseUrl, userName = "relay", password = Password } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldHaveSingleItem().ShouldStartWith("crm.baseUrl:");
        errors[0].ShouldContain(rule);
        (await admin.GetAsync($"/api/admin/tenants/{tenant}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_embedded_emulator_is_allowed_on_its_own_port_only()
    {
        using var admin = factory.CreateAdminClient();
        var emulator = factory.Emulator.BaseUrl;
        var tenant = "s-" + Guid.NewGuid().ToString("N")[..10];

        var own = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { crm = new { baseUrl = $"http://{emulator.Host}:{emulator.Port}/Cust1" } });
        var other = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { crm = new { baseUrl = $"http://{emulator.Host}:{emulator.Port + 1}/Cust1" } });

        own.StatusCode.ShouldBe(HttpStatusCode.Created);
        other.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static async Task<JsonNode> PutAsync(HttpClient admin, string tenant, object crm)
    {
        var response = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Secrets", crm });
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static (bool Password, bool Token) Secrets(JsonNode tenant) =>
        (tenant["hasPassword"]!.GetValue<bool>(), tenant["hasApplicationToken"]!.GetValue<bool>());
}
