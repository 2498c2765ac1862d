using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Relay.Admin;
using Microsoft.Extensions.DependencyInjection;
using Relay.NetServerEmulator.Data;

namespace Relay.Tests.Web;

/// <summary>The console's tenant endpoints: the list, the connection test and the status, with who may call them.</summary>
public sealed class TenantsApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    [Fact]
    public async Task The_operator_lists_every_tenant_and_a_tenant_admin_only_its_own()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        using var tenantAdmin = await factory.CreateTenantClientAsync(tenant, "admin");
        using var reader = await factory.CreateTenantClientAsync(tenant, "read", "ingest", "decide");
        using var anonymous = factory.CreateAnonymousClient();

        var all = JsonNode.Parse(await admin.GetStringAsync("/api/admin/tenants"))!.AsArray();
        var own = JsonNode.Parse(await tenantAdmin.GetStringAsync("/api/admin/tenants"))!.AsArray();

        var listed = all.Single(t => t!["tenantId"]!.GetValue<string>() == tenant)!;
        listed["displayName"]!.GetValue<string>().ShouldBe("Web test");
        listed["crm"]!.GetValue<string>().ShouldBe("netserver");
        listed["address"]!.GetValue<string>().ShouldBe(factory.Emulator.BaseUrl.ToString());
        all.Select(t => t!["tenantId"]!.GetValue<string>()).ShouldContain(other);
        own.Select(t => t!["tenantId"]!.GetValue<string>()).ShouldBe([tenant]);
        listed.AsObject().Select(p => p.Key).ShouldBe(["tenantId", "displayName", "crm", "address", "automations"]);
        (await anonymous.GetAsync("/api/admin/tenants")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await reader.GetAsync("/api/admin/tenants")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_connection_test_reports_the_user_groups_services_version_and_round_trip()
    {
        var tenant = await factory.CreateTenantAsync();
        using var tenantAdmin = await factory.CreateTenantClientAsync(tenant, "admin");

        var response = await tenantAdmin.PostAsync($"/api/admin/tenants/{tenant}/connection-test", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var test = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        test["succeeded"]!.GetValue<bool>().ShouldBeTrue();
        test["user"]!["associateId"]!.GetValue<int>().ShouldBe(101);
        test["user"]!["fullName"]!.GetValue<string>().ShouldBe("Demo User");
        test["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ShouldBe(["Sales", "Marketing"]);
        test["servicesVersion"]!.GetValue<string>().ShouldBe("Services75");
        test["roundTripMs"]!.GetValue<double>().ShouldBeGreaterThan(0);
        test["errorType"].ShouldBeNull();
    }

    [Fact]
    public async Task A_wrong_password_is_reported_plainly_by_the_connection_test()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        var crm = new { baseUrl = factory.Emulator.BaseUrl.ToString(), userName = DemoSeed.UserName, password = "not-the-password" };
        (await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Wrong password", crm })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var test = (await (await admin.PostAsync($"/api/admin/tenants/{tenant}/connection-test", null)).Content.ReadFromJsonAsync<JsonObject>())!;

        test["succeeded"]!.GetValue<bool>().ShouldBeFalse();
        test["errorType"]!.GetValue<string>().ShouldBe("AuthenticationFailed");
        test["error"]!.GetValue<string>().ShouldBe("NetServer refused the user name or password (user 'demo').");
        test["user"].ShouldBeNull();
    }

    [Fact]
    public async Task The_connection_test_and_the_status_need_an_admin_credential_of_that_tenant()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        using var anonymous = factory.CreateAnonymousClient();
        using var otherAdmin = await factory.CreateTenantClientAsync(other, "admin");
        using var admin = factory.CreateAdminClient();

        foreach (var (method, path) in new[] { (HttpMethod.Post, $"/api/admin/tenants/{tenant}/connection-test"), (HttpMethod.Get, $"/api/admin/tenants/{tenant}/status") })
        {
            (await anonymous.SendAsync(new HttpRequestMessage(method, path))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            var forbidden = await otherAdmin.SendAsync(new HttpRequestMessage(method, path));
            forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            forbidden.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await admin.SendAsync(new HttpRequestMessage(method, path.Replace(tenant, "no-such-tenant", StringComparison.Ordinal)))).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }
    }

    [Fact]
    public async Task The_status_counts_triggers_crm_calls_and_parked_actions_by_error_type_with_the_last_error()
    {
        var tenant = await factory.CreateTenantAsync("""
            [{"id":"missing","when":{"type":"email.opened"},"actions":[{"type":"addToSelection","selectionId":987654321}]}]
            """);
        using var tenantAdmin = await factory.CreateTenantClientAsync(tenant, "admin", "ingest");
        using var trigger = new StringContent(
            """[{"id":"evt-status-1","type":"email.opened","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c-1","email":"ann.berg@example.com"}}]""",
            Encoding.UTF8, "application/json");
        (await tenantAdmin.PostAsync($"/api/tenants/{tenant}/triggers", trigger)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var status = await Eventually.GetAsync(
            async () => JsonNode.Parse(await tenantAdmin.GetStringAsync($"/api/admin/tenants/{tenant}/status"))!,
            s => s["parked"]!["total"]!.GetValue<int>() == 1 && s["triggersPerMinute"]!.GetValue<long>() == 1 && s["lastError"] is not null,
            "the parked action, the trigger and the CRM error in the tenant's status");

        status["parked"]!["byErrorType"]![0]!["errorType"]!.GetValue<string>().ShouldBe("SelectionNotFound");
        status["parked"]!["byErrorType"]![0]!["count"]!.GetValue<int>().ShouldBe(1);
        status["crm"]!["callsLastMinute"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(2);
        status["crm"]!["failuresLastMinute"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(1);
        status["crm"]!["budgetPerMinute"]!.GetValue<long>().ShouldBe(600);
        status["circuitBreaker"]!.GetValue<string>().ShouldBe("closed");
        status["lastError"]!["errorType"]!.GetValue<string>().ShouldBe("SelectionNotFound");
        status["lastError"]!["source"]!.GetValue<string>().ShouldBe("crm");
        status["deadLetters"]!["total"]!.GetValue<int>().ShouldBe(0);
        status["backlog"]!["leadsWaiting"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task A_settings_change_through_the_API_is_recorded_in_the_admin_log_without_its_secrets()
    {
        var tenant = await factory.CreateTenantAsync();
        using var tenantAdmin = await factory.CreateTenantClientAsync(tenant, "admin");
        var crm = new { baseUrl = factory.Emulator.BaseUrl.ToString(), userName = DemoSeed.UserName, password = "S3cret-pass", applicationToken = "" };

        (await tenantAdmin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Renamed", crm })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var log = await factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IAdminLogGrain>(tenant).GetAsync(AdminAreas.Tenant, tenant, 0, 10);
        log.Entries.Select(e => e.Change.Action).ShouldBe(["changed", "created"]);
        var change = log.Entries[0].Change;
        change.Who.ShouldStartWith("test admin (");
        change.Before!.ShouldContain("\"displayName\":\"Web test\"");
        change.After!.ShouldContain("\"displayName\":\"Renamed\"");
        change.Detail.ShouldBe("password set, application token removed");
        string.Concat(log.Entries.Select(e => e.Change.Before + e.Change.After + e.Change.Detail)).ShouldNotContain("S3cret-pass");
    }
}
