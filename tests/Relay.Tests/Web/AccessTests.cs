using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Relay.Web.Security;

namespace Relay.Tests.Web;

/// <summary>Who may call what: tenant credentials and their scopes, the operator key, and what is anonymous on purpose.</summary>
public sealed class AccessTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    /// <summary>One endpoint of every kind, with the scope it needs (<c>operator</c> for the operator's own).</summary>
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "POST", "/api/tenants/{tenant}/triggers", "ingest" },
        { "POST", "/api/tenants/{tenant}/contacts/c-1/consents", "ingest" },
        { "GET", "/api/tenants/{tenant}/contacts/c-1", "read" },
        { "GET", "/api/tenants/{tenant}/leads", "read" },
        { "GET", "/api/tenants/{tenant}/contacts/c-1/consents", "read" },
        { "GET", "/api/tenants/{tenant}/consents", "read" },
        { "GET", "/api/tenants/{tenant}/events", "read" },
        { "POST", "/api/tenants/{tenant}/leads/c-1/approve", "decide" },
        { "POST", "/api/tenants/{tenant}/leads/c-1/link", "decide" },
        { "GET", "/api/tenants/{tenant}/leads/c-1/companies", "decide" },
        { "POST", "/api/tenants/{tenant}/leads/approve", "decide" },
        { "GET", "/api/admin/tenants/{tenant}", "admin" },
        { "PUT", "/api/admin/tenants/{tenant}/automations", "admin" },
        { "GET", "/api/admin/tenants/{tenant}/parked", "admin" },
        { "DELETE", "/api/admin/tenants/{tenant}/dead-letters/x", "admin" },
        { "POST", "/api/admin/tenants/{tenant}/consents/reconcile", "admin" },
        { "GET", "/api/admin/tenants/{tenant}/webhook", "admin" },
        { "POST", "/api/admin/tenants/{tenant}/webhook/replay?after=0", "admin" },
        { "DELETE", "/api/tenants/{tenant}/contacts/c-1", "admin" },
        { "GET", "/api/tenants/{tenant}/imports", "admin" },
        { "GET", "/api/tenants/{tenant}/imports/imp-1/results.csv", "admin" },
        { "GET", "/api/operator/tenants/{tenant}/credentials", "operator" },
        { "POST", "/api/operator/tenants/{tenant}/signing-secrets", "operator" },
        { "GET", "/admin/dashboard/", "operator" },
        { "GET", "/metrics", "operator" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task An_endpoint_answers_401_without_a_credential_and_403_to_another_tenant_or_a_missing_scope(string method, string path, string scope)
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        using var anonymous = factory.CreateAnonymousClient();
        using var otherTenant = await factory.CreateTenantClientAsync(other, "ingest", "read", "decide", "admin");
        using var otherScopes = await factory.CreateTenantClientAsync(tenant, [.. new[] { "ingest", "read", "decide", "admin" }.Where(s => s != scope)]);
        using var wrongKey = factory.CreateAnonymousClient();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "wrong");

        foreach (var (client, expected) in new[] { (anonymous, HttpStatusCode.Unauthorized), (wrongKey, HttpStatusCode.Unauthorized), (otherTenant, HttpStatusCode.Forbidden), (otherScopes, HttpStatusCode.Forbidden) })
        {
            var response = await client.SendAsync(Request(method, path.Replace("{tenant}", tenant, StringComparison.Ordinal)));

            response.StatusCode.ShouldBe(expected, $"{method} {path}");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            var body = await response.Content.ReadAsStringAsync();
            body.ShouldNotContain(tenant == other ? "" : other);
            body.ShouldNotContain("Exception");
        }

        if (scope != "operator")
        {
            using var allowed = await factory.CreateTenantClientAsync(tenant, scope);
            var response = await allowed.SendAsync(Request(method, path.Replace("{tenant}", tenant, StringComparison.Ordinal)));
            response.StatusCode.ShouldNotBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public void Every_endpoint_names_a_policy_and_only_health_sign_in_and_the_panels_are_anonymous()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        endpoints.Count.ShouldBeGreaterThan(30);
        var anonymous = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText ?? "";
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                anonymous.Add(route);
                continue;
            }

            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().ShouldContain(a => a.Policy != null, $"{route} names no policy");
        }

        // The SuperOffice Online sign-ins: SuperID authenticates the user, and the panel's hand-off is its own credential.
        string[] onlineSignIn = ["/online/install", "/online/install/complete", "/online/panel-signin", "/online/panel-signin/complete", "/panels/{tenant}/session"];
        anonymous.ShouldAllBe(r => r.StartsWith("/health/", StringComparison.Ordinal) || r.StartsWith("/admin/log", StringComparison.Ordinal) || r.StartsWith("Panels/", StringComparison.Ordinal) || r.StartsWith("panels/", StringComparison.Ordinal) || onlineSignIn.Contains(r));
        anonymous.Count(r => r.StartsWith("/health/", StringComparison.Ordinal)).ShouldBe(3);
    }

    [Fact]
    public async Task A_credential_is_shown_once_stored_as_a_hash_and_rotation_keeps_two_live_until_the_old_one_is_revoked()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        var issued = await (await admin.PostAsJsonAsync($"/api/operator/tenants/{tenant}/credentials", new { name = "emarketeer", scopes = new[] { "ingest" } })).Content.ReadFromJsonAsync<JsonNode>();
        var oldToken = issued!["token"]!.GetValue<string>();
        oldToken.ShouldStartWith($"rly_{tenant}_");
        oldToken[$"rly_{tenant}_".Length..].Length.ShouldBe(43);

        var rotated = await admin.PostAsync($"/api/operator/tenants/{tenant}/credentials/{issued["id"]}/rotate", null);
        rotated.StatusCode.ShouldBe(HttpStatusCode.Created);
        var newToken = (await rotated.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>();
        (await PostTriggerAsync(tenant, oldToken)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await PostTriggerAsync(tenant, newToken)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var third = await admin.PostAsync($"/api/operator/tenants/{tenant}/credentials/{issued["id"]}/rotate", null);
        third.StatusCode.ShouldBe(HttpStatusCode.Conflict, "a third live credential of one name would make rotation endless");

        (await admin.DeleteAsync($"/api/operator/tenants/{tenant}/credentials/{issued["id"]}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await PostTriggerAsync(tenant, oldToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PostTriggerAsync(tenant, newToken)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var listed = await admin.GetStringAsync($"/api/operator/tenants/{tenant}/credentials");
        listed.ShouldNotContain(oldToken[^20..]);
        listed.ShouldNotContain(newToken[^20..]);
        var list = JsonNode.Parse(listed)!.AsArray();
        list.Count.ShouldBe(2);
        list[0]!["revokedAt"].ShouldNotBeNull();
        list[1]!["rotatedFrom"]!.GetValue<string>().ShouldBe(issued["id"]!.GetValue<string>());
        list[1]!["lastUsedAt"].ShouldNotBeNull();
        list.ShouldAllBe(c => c!["hint"]!.GetValue<string>().Length == 5);
    }

    [Fact]
    public async Task A_signed_batch_is_accepted_once_and_a_replayed_stale_or_wrongly_signed_one_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        using var admin = factory.CreateAdminClient();
        var first = await IssueSecretAsync(admin, tenant);
        var body = Batch();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        (await PostSignedAsync(tenant, body, now, SignatureHandler.Sign(first.Secret, now, Encoding.UTF8.GetBytes(body)))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var replay = await PostSignedAsync(tenant, body, now, SignatureHandler.Sign(first.Secret, now, Encoding.UTF8.GetBytes(body)));
        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await replay.Content.ReadAsStringAsync()).ShouldContain("used before");

        var stale = now - 6 * 60;
        var old = await PostSignedAsync(tenant, body, stale, SignatureHandler.Sign(first.Secret, stale, Encoding.UTF8.GetBytes(body)));
        old.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await old.Content.ReadAsStringAsync()).ShouldContain("more than 5 minutes");

        var tampered = await PostSignedAsync(tenant, Batch(), now, SignatureHandler.Sign(first.Secret, now, Encoding.UTF8.GetBytes(body)));
        tampered.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await tampered.Content.ReadAsStringAsync()).ShouldContain("does not match");

        // A second secret while the sender rotates: both verify, and the revoked one stops.
        var second = await IssueSecretAsync(admin, tenant);
        var next = Batch();
        (await PostSignedAsync(tenant, next, now, SignatureHandler.Sign(second.Secret, now, Encoding.UTF8.GetBytes(next)))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await admin.DeleteAsync($"/api/operator/tenants/{tenant}/signing-secrets/{first.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var afterRevoke = Batch();
        (await PostSignedAsync(tenant, afterRevoke, now, SignatureHandler.Sign(first.Secret, now, Encoding.UTF8.GetBytes(afterRevoke)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // A signature is for ingest only, and for its own tenant.
        var other = await factory.CreateTenantAsync();
        var elsewhere = Batch();
        (await PostSignedAsync(other, elsewhere, now, SignatureHandler.Sign(second.Secret, now, Encoding.UTF8.GetBytes(elsewhere)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.GetStringAsync($"/api/operator/tenants/{tenant}/signing-secrets")).ShouldNotContain(second.Secret[^20..]);
    }

    [Fact]
    public async Task Only_the_operator_creates_tenants_and_issues_credentials()
    {
        var tenant = await factory.CreateTenantAsync();
        using var tenantAdmin = await factory.CreateTenantClientAsync(tenant, "ingest", "read", "decide", "admin");

        (await tenantAdmin.PostAsJsonAsync($"/api/operator/tenants/{tenant}/credentials", new { name = "more", scopes = new[] { "admin" } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await tenantAdmin.PutAsJsonAsync("/api/admin/tenants/brand-new-" + Guid.NewGuid().ToString("N")[..6], new { displayName = "x", crm = new { baseUrl = "memory://x" } })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await tenantAdmin.GetAsync($"/api/admin/tenants/{tenant}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_admin_pages_take_the_operator_key_or_an_admin_credential_and_their_cookie_never_opens_an_api()
    {
        var tenant = await factory.CreateTenantAsync();
        var page = $"/admin/tenants/{tenant}/imports";
        using var browser = factory.CreateAnonymousClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        (await browser.GetAsync(page)).Headers.Location!.ToString().ShouldBe("/admin/login?returnUrl=" + Uri.EscapeDataString(page));

        using var reader = await factory.CreateTenantClientAsync(tenant, "read");
        var readToken = reader.DefaultRequestHeaders.Authorization!.Parameter!;
        (await SignInAsync(browser, readToken, page)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a credential without the admin scope does not sign in");

        using var admin = await factory.CreateTenantClientAsync(tenant, "admin");
        var signIn = await SignInAsync(browser, admin.DefaultRequestHeaders.Authorization!.Parameter!, page);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        (await SendWithCookieAsync(browser, page, cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendWithCookieAsync(browser, $"/admin/tenants/{await factory.CreateTenantAsync()}/imports", cookie)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await SendWithCookieAsync(browser, $"/api/admin/tenants/{tenant}", cookie)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var operatorClient = factory.CreateAdminClient();
        var credentials = JsonNode.Parse(await operatorClient.GetStringAsync($"/api/operator/tenants/{tenant}/credentials"))!.AsArray();
        var id = credentials.Single(c => c!["scopes"]![0]!.GetValue<string>() == "admin")!["id"]!.GetValue<string>();
        (await operatorClient.DeleteAsync($"/api/operator/tenants/{tenant}/credentials/{id}")).EnsureSuccessStatusCode();
        (await SendWithCookieAsync(browser, page, cookie)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "a revoked credential's session ends");
    }

    [Fact]
    public async Task Without_a_configured_operator_key_no_key_opens_anything()
    {
        await using var closed = factory.WithWebHostBuilder(b => b.UseSetting("Relay:Operator:ApiKey", ""));
        using var client = closed.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Remove("X-Api-Key");

        foreach (var key in new[] { RelayWebFactory.AdminKey, "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/operator/tenants/demo/credentials");
            request.Headers.Add("X-Api-Key", key);
            (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "" });
        (await client.PostAsync("/admin/login", form)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        // A well-formed body, so nothing but the credential can be the reason for a refusal.
        Content = method is "POST" or "PUT" ? new StringContent(path.EndsWith("/triggers", StringComparison.Ordinal) ? Batch() : "{}", Encoding.UTF8, "application/json") : null,
    };

    private static string Batch() => new JsonArray(new JsonObject
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "email.opened",
        ["occurredAt"] = "2026-11-29T10:15:00Z",
        ["contact"] = new JsonObject { ["id"] = "c-access", ["email"] = "access@example.com" },
    }).ToJsonString();

    private async Task<HttpResponseMessage> PostTriggerAsync(string tenant, string token)
    {
        using var client = factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return await client.PostAsync($"/api/tenants/{tenant}/triggers", new StringContent(Batch(), Encoding.UTF8, "application/json"));
    }

    private async Task<HttpResponseMessage> PostSignedAsync(string tenant, string body, long timestamp, string signature)
    {
        using var client = factory.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/triggers") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(SignatureHandler.Header, $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={signature}");
        return await client.SendAsync(request);
    }

    private static async Task<(string Id, string Secret)> IssueSecretAsync(HttpClient admin, string tenant)
    {
        var response = await admin.PostAsync($"/api/operator/tenants/{tenant}/signing-secrets", null);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var issued = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return (issued["id"]!.GetValue<string>(), issued["secret"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, string returnUrl) =>
        browser.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl }));

    private static Task<HttpResponseMessage> SendWithCookieAsync(HttpClient browser, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return browser.SendAsync(request);
    }
}
