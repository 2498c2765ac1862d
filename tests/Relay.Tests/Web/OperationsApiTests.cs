using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Relay.DeadLetters;
using Relay.Triggers;

namespace Relay.Tests.Web;

/// <summary>
/// Discarding parked actions and dead letters through the admin API, and the admin log at <c>…/history</c> saying who
/// replayed or discarded what — with the operator key or a tenant's admin credential.
/// </summary>
public sealed class OperationsApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    /// <summary>An automation whose selection SuperOffice does not have, so its action is parked.</summary>
    private const string MissingSelection = """
        [{"id":"missing","when":{"type":"email.opened"},"actions":[{"type":"addToSelection","selectionId":987654321}]}]
        """;

    [Fact]
    public async Task A_parked_action_is_discarded_with_an_outcome_the_index_forgets_it_and_the_history_names_the_credential()
    {
        var tenant = await factory.CreateTenantAsync(MissingSelection);
        using var admin = await factory.CreateTenantClientAsync(tenant, "admin", "read");
        var key = (await ParkAsync(admin, tenant, "c-1"))[0];

        var discarded = await admin.DeleteAsync($"/api/admin/tenants/{tenant}/contacts/c-1/parked/{key}");
        var again = await admin.DeleteAsync($"/api/admin/tenants/{tenant}/contacts/c-1/parked/{key}");

        discarded.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await again.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>().ShouldBe("No such parked action");
        var contact = JsonNode.Parse(await admin.GetStringAsync($"/api/tenants/{tenant}/contacts/c-1"))!;
        contact["parked"]!.AsArray().ShouldBeEmpty();
        var outcome = contact["outcomes"]!.AsArray()[^1]!;
        outcome["status"]!.GetValue<string>().ShouldBe("discarded");
        outcome["errorType"]!.GetValue<string>().ShouldBe("SelectionNotFound");
        await Eventually.GetAsync(() => ParkedAsync(admin, tenant), r => r["total"]!.GetValue<int>() == 0, "the parked index to forget the discarded action");

        var history = await HistoryAsync(admin, tenant, "?area=parked");
        history["total"]!.GetValue<int>().ShouldBe(1);
        var entry = history["entries"]![0]!;
        entry["change"]!["subject"]!.GetValue<string>().ShouldBe($"c-1/{key}");
        entry["change"]!["action"]!.GetValue<string>().ShouldBe("discard");
        entry["change"]!["who"]!.GetValue<string>().ShouldStartWith("test admin+read (cred_");
        entry["change"]!["before"]!.GetValue<string>().ShouldContain("SelectionNotFound");
    }

    [Fact]
    public async Task Parked_actions_are_replayed_and_discarded_by_error_type_and_a_discard_without_a_type_is_refused()
    {
        var tenant = await factory.CreateTenantAsync(MissingSelection);
        using var admin = factory.CreateAdminClient();
        await ParkAsync(admin, tenant, "c-1");
        await ParkAsync(admin, tenant, "c-2", expected: 2);

        var withoutType = await admin.PostAsync($"/api/admin/tenants/{tenant}/parked/discard", null);
        var otherType = await admin.PostAsync($"/api/admin/tenants/{tenant}/parked/discard?errorType=SaleTypeNotFound", null);
        var replayed = await admin.PostAsync($"/api/admin/tenants/{tenant}/parked/replay?errorType=SelectionNotFound", null);

        withoutType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await withoutType.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain("?errorType=");
        (await otherType.Content.ReadFromJsonAsync<JsonObject>())!["discarded"]!.GetValue<int>().ShouldBe(0);
        (await replayed.Content.ReadFromJsonAsync<JsonObject>())!["replayed"]!.GetValue<int>().ShouldBe(2);

        // The selection still does not exist: both are parked again, each with a second outcome.
        foreach (var contactId in new[] { "c-1", "c-2" })
        {
            await Eventually.GetAsync(
                async () => JsonNode.Parse(await admin.GetStringAsync($"/api/tenants/{tenant}/contacts/{contactId}"))!,
                c => c["outcomes"]!.AsArray().Count == 2 && c["parked"]!.AsArray().Count == 1,
                $"{contactId}'s replayed action to be parked again");
        }

        var discarded = await admin.PostAsync($"/api/admin/tenants/{tenant}/parked/discard?errorType=SelectionNotFound", null);
        (await discarded.Content.ReadFromJsonAsync<JsonObject>())!["discarded"]!.GetValue<int>().ShouldBe(2);
        await Eventually.GetAsync(() => ParkedAsync(admin, tenant), r => r["total"]!.GetValue<int>() == 0, "the parked index to empty");

        var entries = (await HistoryAsync(admin, tenant, "?area=parked&subject=SelectionNotFound"))["entries"]!.AsArray();
        entries.Select(e => (e!["change"]!["action"]!.GetValue<string>(), e["change"]!["detail"]!.GetValue<string>(), e["change"]!["who"]!.GetValue<string>())).ShouldBe(
        [
            ("discard", "Discarded 2 parked actions of type SelectionNotFound", "operator"),
            ("replay", "Replayed 2 parked actions of type SelectionNotFound", "operator"),
        ]);
    }

    [Fact]
    public async Task Dead_letters_replayed_and_discarded_one_by_one_or_by_type_are_recorded()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        var letters = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IDeadLetterGrain>(tenant);
        foreach (var (contact, type) in new[] { ("c-1", "WrongContact"), ("c-2", "WrongContact"), ("c-3", "MissingContact"), ("c-4", "MissingContact") })
        {
            await letters.AddAsync(Letter(tenant, contact, type));
        }

        var page = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/dead-letters?errorType=MissingContact"))!;
        var id = page["items"]![0]!["id"]!.GetValue<string>();
        var discardOne = await admin.DeleteAsync($"/api/admin/tenants/{tenant}/dead-letters/{Uri.EscapeDataString(id)}");
        var discardType = await admin.PostAsync($"/api/admin/tenants/{tenant}/dead-letters/discard?errorType=WrongContact", null);
        var withoutType = await admin.PostAsync($"/api/admin/tenants/{tenant}/dead-letters/discard", null);
        var left = JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/dead-letters"))!;
        var replayOne = await admin.PostAsync($"/api/admin/tenants/{tenant}/dead-letters/{Uri.EscapeDataString(left["items"]![0]!["id"]!.GetValue<string>())}/replay", null);

        discardOne.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await discardType.Content.ReadFromJsonAsync<JsonObject>())!["discarded"]!.GetValue<int>().ShouldBe(2);
        withoutType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        left["total"]!.GetValue<int>().ShouldBe(1);
        replayOne.StatusCode.ShouldBe(HttpStatusCode.OK);
        var history = await HistoryAsync(admin, tenant, "?area=dead-letter");
        history["entries"]!.AsArray().Select(e => e!["change"]!["action"]!.GetValue<string>() + " " + e["change"]!["subject"]!.GetValue<string>()).ShouldBe(
        [
            $"replay {left["items"]![0]!["id"]!.GetValue<string>()}",
            "discard WrongContact",
            $"discard {id}",
        ]);
    }

    [Fact]
    public async Task The_history_pages_filters_refuses_an_unknown_area_and_needs_the_tenants_admin_credential()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        using var anonymous = factory.CreateAnonymousClient();
        using var otherAdmin = await factory.CreateTenantClientAsync(other, "admin");
        var letters = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IDeadLetterGrain>(tenant);
        for (var i = 0; i < 3; i++)
        {
            await letters.AddAsync(Letter(tenant, $"c-{i}", "WrongContact"));
            (await admin.DeleteAsync($"/api/admin/tenants/{tenant}/dead-letters/{Uri.EscapeDataString($"{tenant}:c-{i}:evt-c-{i}")}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var second = await HistoryAsync(admin, tenant, "?area=dead-letter&skip=1&take=1");
        var one = await HistoryAsync(admin, tenant, $"?subject={Uri.EscapeDataString($"{tenant}:c-0:evt-c-0")}");
        var unknownArea = await admin.GetAsync($"/api/admin/tenants/{tenant}/history?area=nonsense");

        second["total"]!.GetValue<int>().ShouldBe(3);
        second["entries"]!.AsArray().ShouldHaveSingleItem()!["change"]!["subject"]!.GetValue<string>().ShouldBe($"{tenant}:c-1:evt-c-1");
        one["entries"]!.AsArray().ShouldHaveSingleItem();
        unknownArea.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknownArea.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain("dead-letter");
        (await admin.GetAsync("/api/admin/tenants/no-such-tenant/history")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetAsync($"/api/admin/tenants/{tenant}/history")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await otherAdmin.GetAsync($"/api/admin/tenants/{tenant}/history")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await otherAdmin.DeleteAsync($"/api/admin/tenants/{tenant}/contacts/c-1/parked/k")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.PostAsync($"/api/admin/tenants/{tenant}/parked/discard?errorType=X", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>Sends an e-mail open for the contact and waits until the tenant has <paramref name="expected"/> parked actions; their keys.</summary>
    private async Task<string[]> ParkAsync(HttpClient admin, string tenant, string contactId, int expected = 1)
    {
        using var ingest = factory.CreateAdminClient();
        using var trigger = new StringContent(
            $$$"""[{"id":"evt-{{{contactId}}}","type":"email.opened","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"{{{contactId}}}","email":"ann.berg@example.com"}}]""",
            Encoding.UTF8, "application/json");
        (await ingest.PostAsync($"/api/tenants/{tenant}/triggers", trigger)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var report = await Eventually.GetAsync(() => ParkedAsync(admin, tenant), r => r["total"]!.GetValue<int>() == expected, $"{expected} parked action(s)");
        return [.. report["items"]!.AsArray().Select(i => i!["key"]!.GetValue<string>())];
    }

    private static async Task<JsonNode> ParkedAsync(HttpClient admin, string tenant) =>
        JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/parked"))!;

    private static async Task<JsonNode> HistoryAsync(HttpClient admin, string tenant, string query) =>
        JsonNode.Parse(await admin.GetStringAsync($"/api/admin/tenants/{tenant}/history{query}"))!;

    private static DeadLetter Letter(string tenant, string contactId, string errorType)
    {
        var trigger = Build.Trigger(TriggerType.EmailOpened, contactId, Build.Email(), id: $"evt-{contactId}");
        return DeadLetterDecisions.Of(new TriggerEnvelope(tenant, trigger, DateTimeOffset.UtcNow), $"{tenant}:{contactId}", errorType, $"{errorType} for {contactId}", DateTimeOffset.UtcNow);
    }
}
