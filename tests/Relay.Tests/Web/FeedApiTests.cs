using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Relay.Feed;
using Relay.Tests.Feed;

namespace Relay.Tests.Web;

/// <summary>The feed's pull API (the <c>read</c> scope) and the webhook's admin endpoints.</summary>
public sealed class FeedApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    [Fact]
    public async Task The_feed_is_read_page_by_page_with_the_cursor_each_event_once_in_order()
    {
        var tenant = await factory.CreateTenantAsync();
        var feed = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IEventFeedGrain>(tenant);
        await feed.AppendAsync([EventFeedTests.Event("c1", 1), EventFeedTests.Event("c2", 1), EventFeedTests.Event("c1", 2)]);
        using var reader = await factory.CreateTenantClientAsync(tenant, "read");

        var first = await reader.GetFromJsonAsync<JsonObject>($"/api/tenants/{tenant}/events?after=0&take=2");
        var second = await reader.GetFromJsonAsync<JsonObject>($"/api/tenants/{tenant}/events?after={first!["next"]}&take=2");
        var third = await reader.GetFromJsonAsync<JsonObject>($"/api/tenants/{tenant}/events?after={second!["next"]}");

        first["events"]!.AsArray().Select(e => (string)e!["id"]!).ShouldBe(["c1:1", "c2:1"]);
        first["next"]!.GetValue<long>().ShouldBe(2);
        first["events"]![0]!["type"]!.GetValue<string>().ShouldBe("action.succeeded");
        first["events"]![0]!["data"]!["actionIndex"]!.GetValue<int>().ShouldBe(1);
        first["events"]![0]!["data"]!.AsObject().ContainsKey("personId").ShouldBeFalse();
        second["events"]!.AsArray().Select(e => e!["seq"]!.GetValue<long>()).ShouldBe([3L]);
        third!["events"]!.AsArray().ShouldBeEmpty();
        third["next"]!.GetValue<long>().ShouldBe(3);
        third["oldest"]!.GetValue<long>().ShouldBe(1);
    }

    [Theory]
    [InlineData("after=abc")]
    [InlineData("after=-1")]
    [InlineData("after=5")]
    [InlineData("take=0")]
    [InlineData("take=1001")]
    [InlineData("take=ten")]
    public async Task A_bad_cursor_or_page_size_is_refused_with_a_problem(string query)
    {
        var tenant = await factory.CreateTenantAsync();
        using var reader = await factory.CreateTenantClientAsync(tenant, "read");

        var response = await reader.GetAsync($"/api/tenants/{tenant}/events?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain(query.Split('=')[0] + ":");
    }

    [Fact]
    public async Task The_feed_needs_the_read_scope_and_the_webhook_endpoints_the_admin_scope()
    {
        var tenant = await factory.CreateTenantAsync();
        using var ingest = await factory.CreateTenantClientAsync(tenant, "ingest");
        using var reader = await factory.CreateTenantClientAsync(tenant, "read");
        using var anonymous = factory.CreateAnonymousClient();

        (await ingest.GetAsync($"/api/tenants/{tenant}/events")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.GetAsync($"/api/tenants/{tenant}/events")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await reader.GetAsync($"/api/admin/tenants/{tenant}/webhook")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await reader.PostAsync($"/api/admin/tenants/{tenant}/webhook/replay?after=0", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_webhook_url_to_a_private_or_metadata_host_or_over_http_is_refused_and_nothing_changes()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        var crm = new { baseUrl = factory.Emulator.BaseUrl.ToString(), userName = Relay.NetServerEmulator.Data.DemoSeed.UserName, password = Relay.NetServerEmulator.Data.DemoSeed.Password };

        foreach (var url in new[] { "https://169.254.169.254/latest", "https://10.1.2.3/hook", "http://hooks.example.com/relay", "not a url" })
        {
            var response = await admin.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Web test", crm, webhook = new { url } });
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, url);
            (await response.Content.ReadAsStringAsync()).ShouldContain("webhook.url:");
        }

        var status = await admin.GetFromJsonAsync<JsonObject>($"/api/admin/tenants/{tenant}/webhook");
        status!.ContainsKey("url").ShouldBeFalse();
        status["enabled"]!.GetValue<bool>().ShouldBeFalse();
        var replay = await admin.PostAsync($"/api/admin/tenants/{tenant}/webhook/replay?after=5", null);
        replay.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync($"/api/admin/tenants/{tenant}/webhook/events/1/replay", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync($"/api/admin/tenants/{tenant}/webhook/replay?after=0", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
