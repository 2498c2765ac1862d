using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Tests.Panels;

namespace Relay.Tests.Consent;

/// <summary>The consent API on the real web host (a Services75 tenant): changes in, records and the since-paged log out.</summary>
public sealed class ConsentApiTests(PanelHost host) : IClassFixture<PanelHost>
{
    [Fact]
    public async Task A_change_posted_to_the_API_becomes_the_contact_s_record_and_appears_once_in_the_log_after_since()
    {
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", "panel-test-key");
        var contactId = Build.Id("c");
        var before = (long)JsonNode.Parse(await http.GetStringAsync($"/api/tenants/{host.Tenant}/consents?since=0&take=1000"))!["next"]!;

        var bad = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/contacts/{contactId}/consents", new { purpose = "email-marketing" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("legalBasis");

        var posted = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/contacts/{contactId}/consents", new
        {
            id = Build.Id("consent"), purpose = "email-marketing", legalBasis = "legitimate-interest", granted = true, source = "fair", comment = "<b>met at the fair</b>",
            occurredAt = "2026-11-29T11:00:00Z", email = Build.Email(),
        });
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());

        var records = await Eventually.GetAsync(
            async () => JsonNode.Parse(await http.GetStringAsync($"/api/tenants/{host.Tenant}/contacts/{contactId}/consents"))!.AsArray(),
            a => a.Count == 1,
            "the record to be kept");
        ((string?)records[0]!["legalBasis"]).ShouldBe("legitimate-interest");
        ((string?)records[0]!["comment"]).ShouldBe("<b>met at the fair</b>");

        var log = await Eventually.GetAsync(
            async () => JsonNode.Parse(await http.GetStringAsync($"/api/tenants/{host.Tenant}/consents?since={before}"))!,
            j => j["entries"]!.AsArray().Any(e => (string?)e!["contactId"] == contactId),
            "the change in the consent log");
        var entry = log["entries"]!.AsArray().Single(e => (string?)e!["contactId"] == contactId)!;
        ((bool)entry["granted"]!).ShouldBeTrue();
        ((string?)entry["changedAt"]).ShouldStartWith("2026-11-29T11:00:00");
        var next = (long)log["next"]!;
        JsonNode.Parse(await http.GetStringAsync($"/api/tenants/{host.Tenant}/consents?since={next}"))!["entries"]!.AsArray()
            .ShouldNotContain(e => (string?)e!["contactId"] == contactId);

        using var anonymous = new HttpClient { BaseAddress = host.BaseUrl };
        (await anonymous.GetAsync($"/api/tenants/{host.Tenant}/consents")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
