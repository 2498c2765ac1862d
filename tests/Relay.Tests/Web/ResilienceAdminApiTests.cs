using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Tests.Web;

/// <summary>Parked actions and dead letters through the admin API, behind the admin key.</summary>
public sealed class ResilienceAdminApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    [Fact]
    public async Task A_parked_action_is_listed_by_error_type_and_replayed_one_by_one()
    {
        var tenant = await factory.CreateTenantAsync("""
            [{"id":"missing","when":{"type":"email.opened"},"actions":[{"type":"addToSelection","selectionId":987654321}]}]
            """);
        using var admin = factory.CreateAdminClient();
        using var trigger = new StringContent(
            """[{"id":"evt-parked-1","type":"email.opened","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c-1","email":"ann.berg@example.com"}}]""",
            Encoding.UTF8, "application/json");
        (await admin.PostAsync($"/api/tenants/{tenant}/triggers", trigger)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var report = await Eventually.GetAsync(
            async () => JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/parked"))!,
            r => r["total"]!.GetValue<int>() == 1, "the parked action in the admin API");
        var group = report["groups"]![0]!;
        group["errorType"]!.GetValue<string>().ShouldBe("SelectionNotFound");
        group["actions"]!.GetValue<int>().ShouldBe(1);
        var key = report["items"]![0]!["key"]!.GetValue<string>();
        key.ShouldBe("evt-parked-1:missing:0");

        var replay = await admin.PostAsync($"/api/admin/tenants/{tenant}/contacts/c-1/parked/{key}/replay", null);
        var unknown = await admin.PostAsync($"/api/admin/tenants/{tenant}/contacts/c-1/parked/no-such-key/replay", null);

        // The selection still does not exist, so the replayed action is tried once more and parked again.
        var contact = await Eventually.GetAsync(
            async () => JsonNode.Parse(await admin.GetStringAsync($"/api/tenants/{tenant}/contacts/c-1"))!,
            c => c["outcomes"]!.AsArray().Count == 2 && c["parked"]!.AsArray().Count == 1, "the replayed action's second outcome");
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await replay.Content.ReadFromJsonAsync<JsonObject>())!["replayed"]!.GetValue<int>().ShouldBe(1);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        contact["parked"]![0]!["attempts"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_counts_per_error_type_and_need_an_admin_credential()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        using var anonymous = factory.CreateAnonymousClient();

        var page = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/dead-letters"))!;

        page["total"]!.GetValue<int>().ShouldBe(0);
        page["byErrorType"]!.AsObject().Count.ShouldBe(0);
        (await admin.PostAsync($"/api/admin/tenants/{tenant}/dead-letters/nope/replay", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync("/api/admin/tenants/no-such-tenant/dead-letters")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync("/api/admin/tenants/no-such-tenant/parked")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetAsync($"/api/admin/tenants/{tenant}/dead-letters")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync($"/api/admin/tenants/{tenant}/parked/replay", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
