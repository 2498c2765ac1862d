using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Relay.Tests.Web;

/// <summary>One admin-key mechanism guards the admin APIs, the integration APIs, the dashboard and the admin pages.</summary>
public sealed class AdminKeyTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    /// <summary>Every kind of endpoint the README lists as behind the admin key, and the dashboard.</summary>
    public static TheoryData<string, string> Guarded => new()
    {
        { "GET", "/api/admin/tenants/demo" },
        { "PUT", "/api/admin/tenants/demo/automations" },
        { "POST", "/api/admin/tenants/demo/parked/replay" },
        { "DELETE", "/api/admin/tenants/demo/dead-letters/x" },
        { "POST", "/api/admin/tenants/demo/consents/reconcile" },
        { "POST", "/api/tenants/demo/leads/c-1/approve" },
        { "POST", "/api/tenants/demo/leads/approve" },
        { "GET", "/api/tenants/demo/imports" },
        { "GET", "/api/tenants/demo/imports/imp-1/results.csv" },
        { "GET", "/api/tenants/demo/consents" },
        { "POST", "/api/tenants/demo/contacts/c-1/consents" },
        { "GET", "/admin/dashboard/" },
    };

    [Theory]
    [MemberData(nameof(Guarded))]
    public async Task Without_the_key_or_with_a_wrong_one_a_guarded_endpoint_answers_401_with_problem_details(string method, string path)
    {
        using var client = factory.CreateClient();

        foreach (var credentials in new Action<HttpRequestHeaders>?[] { null, h => h.Add("X-Api-Key", "wrong"), h => h.Authorization = Basic("wrong") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            credentials?.Invoke(request.Headers);
            if (method is "POST" or "PUT")
            {
                // A well-formed body, so nothing but the missing key can be the reason for a refusal.
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            var response = await client.SendAsync(request);

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path}");
            response.Headers.WwwAuthenticate.ShouldContain(h => h.Scheme == "Basic");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["title"]!.GetValue<string>().ShouldBe("Admin key missing or wrong");
        }
    }

    [Theory]
    [InlineData("/admin/dashboard/")]
    [InlineData("/api/admin/tenants/{tenant}/automations")]
    public async Task The_dashboard_and_the_admin_api_take_the_same_key_in_the_header_or_as_a_basic_password(string path)
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient();

        foreach (var credentials in new Action<HttpRequestHeaders>[] { h => h.Add("X-Api-Key", RelayWebFactory.AdminKey), h => h.Authorization = Basic(RelayWebFactory.AdminKey) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{tenant}", tenant, StringComparison.Ordinal));
            credentials(request.Headers);

            (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }
    }

    [Fact]
    public async Task Ingest_contacts_and_the_lead_list_stay_open_without_a_key()
    {
        var tenant = await factory.CreateTenantAsync();
        using var client = factory.CreateClient();
        var trigger = new JsonObject
        {
            ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
            ["type"] = "email.opened",
            ["occurredAt"] = "2026-11-29T10:15:00Z",
            ["contact"] = new JsonObject { ["id"] = "c-open", ["email"] = $"{Guid.NewGuid():N}@example.com" },
        };
        using var body = new StringContent(new JsonArray(trigger).ToJsonString(), Encoding.UTF8, "application/json");

        (await client.PostAsync($"/api/tenants/{tenant}/triggers", body)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Eventually.GetAsync(() => client.GetAsync($"/api/tenants/{tenant}/contacts/c-open"), r => r.StatusCode == HttpStatusCode.OK, "the contact to be readable without a key");
        (await client.GetAsync($"/api/tenants/{tenant}/leads")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_admin_page_takes_the_key_header_from_a_script_while_the_sign_in_cookie_never_opens_an_api()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = $"/admin/tenants/{tenant}/imports";
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        using var script = new HttpRequestMessage(HttpMethod.Get, page);
        script.Headers.Add("X-Api-Key", RelayWebFactory.AdminKey);
        (await browser.SendAsync(script)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, page);
        wrong.Headers.Add("X-Api-Key", "wrong");
        var refused = await browser.SendAsync(wrong);
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.ToString().ShouldBe("/admin/login?returnUrl=" + Uri.EscapeDataString(page));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = RelayWebFactory.AdminKey, ["returnUrl"] = page });
        var cookie = (await browser.PostAsync("/admin/login", form)).Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var api = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/tenants/{tenant}");
        api.Headers.Add("Cookie", cookie);
        (await browser.SendAsync(api)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/admin/logout");
        signOut.Headers.Add("Cookie", cookie);
        var signedOut = await browser.SendAsync(signOut);
        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedOut.Headers.Location!.ToString().ShouldBe("/admin/login");
        signedOut.Headers.GetValues("Set-Cookie").Single().ShouldContain("expires=Thu, 01 Jan 1970", Case.Insensitive);
    }

    [Fact]
    public async Task Without_a_configured_key_the_apis_and_the_dashboard_are_closed_with_503_and_no_key_signs_in()
    {
        await using var closed = factory.WithWebHostBuilder(b => b.UseSetting("Relay:Admin:ApiKey", ""));
        using var client = closed.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        foreach (var path in new[] { "/api/admin/tenants/demo", "/api/tenants/demo/imports", "/admin/dashboard/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Api-Key", RelayWebFactory.AdminKey);

            var response = await client.SendAsync(request);

            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, path);
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["title"]!.GetValue<string>().ShouldBe("The admin API is closed");
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "" });
        var signIn = await client.PostAsync("/admin/login", form);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        signIn.Headers.Contains("Set-Cookie").ShouldBeFalse();
        (await client.GetAsync("/admin/tenants/demo/imports")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + password)));
}
