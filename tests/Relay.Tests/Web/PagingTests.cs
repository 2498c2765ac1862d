using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Relay.Web;

namespace Relay.Tests.Web;

/// <summary>README's paging rule on the real web host: out-of-range skip, take and since are clamped, never an error or an overflow.</summary>
public sealed class PagingTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private const string Hostile = "skip=-5&take=-5&since=-5";
    private const string Huge = "skip=2147483647&take=2147483647&since=9223372036854775807";

    [Theory]
    [InlineData(Hostile)]
    [InlineData(Huge)]
    public async Task Every_paged_endpoint_answers_out_of_range_paging_with_a_page(string query)
    {
        var tenant = await factory.CreateTenantAsync();
        var contactId = await ContactWithTimelineAsync(tenant, 3);
        using var admin = factory.CreateAdminClient();

        foreach (var path in new[]
        {
            $"/api/tenants/{tenant}/contacts/{contactId}", $"/api/tenants/{tenant}/leads", $"/api/admin/tenants/{tenant}/parked",
            $"/api/admin/tenants/{tenant}/dead-letters", $"/api/tenants/{tenant}/consents", $"/api/admin/tenants/{tenant}/consents/conflicts",
            $"/api/tenants/{tenant}/imports",
        })
        {
            var response = await admin.GetAsync($"{path}?{query}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData("take=abc")]
    [InlineData("skip=99999999999")]
    public async Task A_paging_value_that_is_no_whole_number_is_a_bad_request(string query)
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();

        (await admin.GetAsync($"/api/tenants/{tenant}/leads?{query}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_negative_skip_reads_from_the_start_and_a_negative_take_reads_nothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var contactId = await ContactWithTimelineAsync(tenant, 3);
        using var admin = factory.CreateAdminClient();

        var first = await ContactAsync(admin, tenant, contactId, "skip=0&take=2");
        var negative = await ContactAsync(admin, tenant, contactId, "skip=-5&take=2");
        var none = await ContactAsync(admin, tenant, contactId, "skip=0&take=-5");

        Ids(negative).ShouldBe(Ids(first));
        Ids(first).Count.ShouldBe(2);
        Ids(none).ShouldBeEmpty();
        (await admin.GetFromJsonAsync<JsonNode>($"/api/tenants/{tenant}/leads?skip=-5"))!["skip"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task A_huge_take_is_cut_to_the_largest_page_and_a_huge_skip_to_the_largest_offset_without_overflow()
    {
        var tenant = await factory.CreateTenantAsync();
        var contactId = await ContactWithTimelineAsync(tenant, 3);
        using var admin = factory.CreateAdminClient();

        Ids(await ContactAsync(admin, tenant, contactId, "skip=0&take=2147483647")).Count.ShouldBe(3);
        Ids(await ContactAsync(admin, tenant, contactId, "skip=2147483647&take=2147483647")).ShouldBeEmpty();
        (await admin.GetFromJsonAsync<JsonNode>($"/api/tenants/{tenant}/leads?skip=2147483647&take=2147483647"))!["skip"]!.GetValue<int>().ShouldBe(Paging.MaxSkip);
        var parked = (await admin.GetFromJsonAsync<JsonNode>($"/api/admin/tenants/{tenant}/parked?skip=2147483647&take=2147483647"))!;
        parked["items"]!.AsArray().ShouldBeEmpty();
        var letters = (await admin.GetFromJsonAsync<JsonNode>($"/api/admin/tenants/{tenant}/dead-letters?skip=-1&take=2147483647"))!;
        letters["total"]!.GetValue<int>().ShouldBe(0);
    }

    [Fact]
    public async Task The_consent_log_read_from_a_negative_since_with_a_huge_take_holds_every_change()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        var contactId = Build.Id("c");
        var posted = await admin.PostAsJsonAsync($"/api/tenants/{tenant}/contacts/{contactId}/consents", new
        {
            id = Build.Id("consent"), purpose = "email-marketing", legalBasis = "consent", granted = true, source = "form",
            occurredAt = "2026-11-29T11:00:00Z", email = Build.Email(),
        });
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());

        var log = await Eventually.GetAsync(
            async () => (await admin.GetFromJsonAsync<JsonNode>($"/api/tenants/{tenant}/consents?since=-9223372036854775808&take=2147483647"))!,
            j => j["entries"]!.AsArray().Count == 1,
            "the change in the consent log");
        ((string?)log["entries"]![0]!["contactId"]).ShouldBe(contactId);
        log["hasMore"]!.GetValue<bool>().ShouldBeFalse();
    }

    private static List<string> Ids(JsonNode contact) => [.. contact["timeline"]!.AsArray().Select(e => (string)e!["triggerId"]!)];

    private static async Task<JsonNode> ContactAsync(HttpClient http, string tenant, string contactId, string query) =>
        (await http.GetFromJsonAsync<JsonNode>($"/api/tenants/{tenant}/contacts/{contactId}?{query}"))!;

    private async Task<string> ContactWithTimelineAsync(string tenant, int triggers)
    {
        using var http = factory.CreateClient();
        var contactId = Build.Id("c");
        var batch = new JsonArray([.. Enumerable.Range(0, triggers).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = Build.Id("evt"),
            ["type"] = "email.opened",
            ["occurredAt"] = $"2026-11-29T10:1{i}:00Z",
            ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = Build.Email() },
            ["content"] = new JsonObject { ["id"] = "mail-2026-11", ["name"] = "November newsletter" },
        })]);
        using var content = new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json");
        (await http.PostAsync($"/api/tenants/{tenant}/triggers", content)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Eventually.GetAsync(
            async () =>
            {
                using var response = await http.GetAsync($"/api/tenants/{tenant}/contacts/{contactId}?take=0");
                return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
            },
            j => j?["timelineTotal"]?.GetValue<int>() == triggers,
            "the contact's triggers on its timeline");
        return contactId;
    }
}
