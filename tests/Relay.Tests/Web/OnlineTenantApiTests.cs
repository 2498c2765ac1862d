using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Crm;
using Relay.NetServerEmulator;

namespace Relay.Tests.Web;

/// <summary>
/// An Online tenant through the admin API: its settings, its system-user token (write-only, kept like a password), and
/// its state at <c>/api/admin/tenants/{tenant}/online</c>, with an emulator as the Online environment <c>emu</c>.
/// </summary>
public sealed class OnlineTenantApiTests : IAsyncLifetime
{
    private const string SystemToken = "SysTok-5be01c";

    private RunningEmulator? _emulator;
    private RelayWebFactory? _factory;

    private RunningEmulator Emulator => _emulator!;

    private RelayWebFactory Factory => _factory!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        _factory = new RelayWebFactory(builder =>
        {
            builder.UseSetting("Relay:Online:Environments:emu", _emulator.BaseUrl.ToString());
            builder.UseSetting("Relay:Crm:AllowedHosts:0", "127.0.0.1");
        });
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    [Fact]
    public async Task The_system_user_token_is_write_only_kept_for_the_same_context_and_dropped_for_another()
    {
        using var admin = Factory.CreateAdminClient();
        var tenant = "on-" + Guid.NewGuid().ToString("N")[..10];

        var created = await PutAsync(admin, tenant, new { contextIdentifier = "Cust12345", environment = "emu", systemUserToken = SystemToken });
        var omitted = await PutAsync(admin, tenant, new { contextIdentifier = "cust12345", environment = "EMU" });
        var otherContext = await PutAsync(admin, tenant, new { contextIdentifier = "Cust54321", environment = "emu" });
        var sentAgain = await PutAsync(admin, tenant, new { contextIdentifier = "Cust54321", environment = "emu", systemUserToken = SystemToken });
        var removed = await PutAsync(admin, tenant, new { contextIdentifier = "Cust54321", environment = "emu", systemUserToken = "" });

        new[] { created, omitted, otherContext, sentAgain, removed }.Select(HasToken).ShouldBe([true, true, false, true, false]);
        created["settings"]!["crm"]!["online"]!["contextIdentifier"]!.GetValue<string>().ShouldBe("Cust12345");
        foreach (var body in new[] { created, omitted, sentAgain, JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}"))! })
        {
            body.ToJsonString().ShouldNotContain(SystemToken);
            body.ToJsonString().ShouldNotContain(CrmSecrets.Prefix);
        }
    }

    [Theory]
    [InlineData("""{"contextIdentifier":"Cust12345","environment":"nowhere"}""", null, "crm.online.environment:")]
    [InlineData("""{"contextIdentifier":"Cust 12345","environment":"emu"}""", null, "crm.online.contextIdentifier:")]
    [InlineData("""{"contextIdentifier":"Cust12345","environment":""}""", null, "crm.online.environment:")]
    [InlineData("""{"contextIdentifier":"Cust12345","environment":"emu"}""", "relay", "crm.userName, crm.password:")]
    public async Task Online_settings_that_break_a_rule_are_refused_with_the_rule(string online, string? userName, string rule)
    {
        using var admin = Factory.CreateAdminClient();
        var tenant = "on-" + Guid.NewGuid().ToString("N")[..10];

        var response = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { crm = new { userName, online = JsonNode.Parse(online) } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldHaveSingleItem().ShouldStartWith(rule);
    }

    [Fact]
    public async Task The_operator_sees_an_online_tenants_state_and_when_it_is_paused()
    {
        using var admin = Factory.CreateAdminClient();
        var tenant = "on-" + Guid.NewGuid().ToString("N")[..10];
        await PutAsync(admin, tenant, new { contextIdentifier = "Cust12345", environment = "emu", systemUserToken = SystemToken });

        var running = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/online"))!;
        Emulator.Online.SetState("OfflineMaintenance");
        var paused = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/online"))!;

        running["contextIdentifier"]!.GetValue<string>().ShouldBe("Cust12345");
        running["environment"]!.GetValue<string>().ShouldBe("emu");
        running["endpoint"]!.GetValue<string>().ShouldBe($"{Emulator.OnlineHosts[0].GetLeftPart(UriPartial.Authority)}/Cust12345");
        running["isRunning"]!.GetValue<bool>().ShouldBeTrue();
        running["checkedAt"].ShouldNotBeNull();
        paused["state"]!.GetValue<string>().ShouldBe("OfflineMaintenance");
        paused["isRunning"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task The_online_state_of_an_onsite_tenant_is_a_conflict_and_of_an_unknown_tenant_not_found()
    {
        using var admin = Factory.CreateAdminClient();
        var onsite = await Factory.CreateTenantAsync();

        (await admin.GetAsync($"/api/admin/tenants/{onsite}/online")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await admin.GetAsync("/api/admin/tenants/no-such-tenant/online")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Factory.CreateAnonymousClient().GetAsync($"/api/admin/tenants/{onsite}/online")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static async Task<JsonNode> PutAsync(HttpClient admin, string tenant, object online)
    {
        var response = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Online", crm = new { servicesVersion = "88", online } });
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static bool HasToken(JsonNode tenant) => tenant["hasSystemUserToken"]!.GetValue<bool>();
}
