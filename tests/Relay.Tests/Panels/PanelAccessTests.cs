using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Crm;
using Relay.Events;

namespace Relay.Tests.Panels;

/// <summary>The panel gate with tenants on SOAP: the ticket is checked with <c>SoPrincipal</c>.</summary>
public sealed class PanelAccessTests(PanelHost host) : PanelAccessTestsBase(host), IClassFixture<PanelHost>;

/// <summary>The panel gate with tenants on the REST web API: the ticket is checked with <c>User/currentPrincipal</c>.</summary>
public sealed class RestPanelAccessTests(RestPanelHost host) : PanelAccessTestsBase(host), IClassFixture<RestPanelHost>;

/// <summary>Who gets past the panel gate, and that a session for one tenant never reaches another's data.</summary>
public abstract class PanelAccessTestsBase(PanelHost host)
{
    private const string DemoTicket = NetServerEmulator.Data.DemoSeed.Ticket;

    [Fact]
    public async Task A_verified_ticket_becomes_a_session_cookie_and_the_ticket_leaves_the_url()
    {
        using var http = NoRedirects();

        var response = await http.GetAsync(host.PanelUrl(host.Tenant, "timeline", DemoTicket, extra: "&atid=42"));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe($"/panels/{host.Tenant}/timeline?atid=42");
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldStartWith($"relay-panel-{host.Tenant}=");
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("secure");
        cookie.ShouldContain("samesite=none");
        cookie.ShouldContain("Partitioned");
        cookie.ShouldContain($"path=/panels/{host.Tenant}");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain($"frame-ancestors 'self' {PanelHost.SuperOfficeOrigin}");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }

    [Fact]
    public async Task Without_a_ticket_or_session_a_panel_is_a_401_page()
    {
        using var http = NoRedirects();

        var response = await http.GetAsync($"/panels/{host.Tenant}/leads");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Please open this panel from SuperOffice");
    }

    [Fact]
    public async Task A_ticket_for_another_superoffice_context_is_refused()
    {
        using var http = NoRedirects();

        var response = await http.GetAsync(host.PanelUrl(host.Tenant, "leads", DemoTicket).Replace("uctx=Cust12345", "uctx=Cust99999", StringComparison.Ordinal));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_changed_session_cookie_is_refused()
    {
        var cookie = await SessionCookieAsync(host.Tenant);
        var forged = cookie[..^3] + (cookie[^3] == 'A' ? 'B' : 'A') + cookie[^2..];

        var response = await GetWithCookieAsync($"/panels/{host.Tenant}/leads", $"relay-panel-{host.Tenant}", forged);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_session_for_one_tenant_cannot_open_another_tenants_panels()
    {
        var cookie = await SessionCookieAsync(host.Tenant);

        var asOther = await GetWithCookieAsync($"/panels/{host.OtherTenant}/leads", $"relay-panel-{host.OtherTenant}", cookie);
        var withOwnName = await GetWithCookieAsync($"/panels/{host.OtherTenant}/leads", $"relay-panel-{host.Tenant}", cookie);

        asOther.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        withOwnName.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_tenants_sale_id_shows_nothing_of_that_tenant()
    {
        var email = Build.Email();
        var crm = new EmulatorTestCrm(host.Emulator);
        var person = crm.SeedPerson("Other", "Tenant", email);
        var contactId = "iso-" + Guid.NewGuid().ToString("N")[..8];
        await host.SendAsync(host.OtherTenant, PanelHost.FormTrigger(contactId, email, "Other"));
        var sale = await Eventually.GetAsync(() => Task.FromResult(crm.Sales(person)), s => s.Count == 1, "the other tenant's sale");
        await Eventually.GetAsync(
            () => host.Grains.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(host.OtherTenant, CrmObjectKind.Sale, sale[0].SaleId)).GetAsync(),
            d => d is not null,
            "the other tenant's event details");
        var cookie = await SessionCookieAsync(host.Tenant);

        var response = await GetWithCookieAsync($"/panels/{host.Tenant}/event?said={sale[0].SaleId}", $"relay-panel-{host.Tenant}", cookie);
        var timeline = await GetWithCookieAsync($"/panels/{host.Tenant}/timeline?atid={person}", $"relay-panel-{host.Tenant}", cookie);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Relay did not create this sale");
        html.ShouldNotContain(contactId);
        (await timeline.Content.ReadAsStringAsync()).ShouldNotContain("Submitted a form");
    }

    [Fact]
    public async Task Leads_can_be_decided_through_the_api_with_the_admin_key_only()
    {
        var contactId = "api-" + Guid.NewGuid().ToString("N")[..8];
        var email = Build.Email();
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, email, "Api", "Lead"));
        await host.WaitForLeadAsync(host.Tenant, contactId);
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        var by = new { by = new { associateId = 102, name = "Anna Sales" } };

        var anonymous = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/leads/{contactId}/approve", by);
        http.DefaultRequestHeaders.Add("X-Api-Key", "panel-test-key");
        var approved = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/leads/{contactId}/approve", by);
        var again = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/leads/{contactId}/dismiss", by);
        var nobody = await http.PostAsJsonAsync($"/api/tenants/{host.Tenant}/leads/{contactId}/approve", new { });

        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        approved.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = JsonNode.Parse(await approved.Content.ReadAsStringAsync())!;
        result["status"]!.GetValue<string>().ShouldBe("done");
        new EmulatorTestCrm(host.Emulator).PersonsWithEmail(email).ShouldHaveSingleItem().PersonId.ShouldBe(result["personId"]!.GetValue<int>());
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.Parse(await again.Content.ReadAsStringAsync())!["status"]!.GetValue<string>().ShouldBe("alreadyDecided");
        nobody.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_panel_page_number_out_of_range_is_clamped_a_negative_one_to_the_first_page_a_huge_one_past_the_leads()
    {
        var contactId = "pg-" + Guid.NewGuid().ToString("N")[..8];
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, Build.Email(), "Paged", "Lead"));
        await host.WaitForLeadAsync(host.Tenant, contactId);
        var cookie = await SessionCookieAsync(host.Tenant);

        var negative = await GetWithCookieAsync($"/panels/{host.Tenant}/leads?page=-3", $"relay-panel-{host.Tenant}", cookie);
        var huge = await GetWithCookieAsync($"/panels/{host.Tenant}/leads?page=2147483647", $"relay-panel-{host.Tenant}", cookie);
        var timeline = await GetWithCookieAsync($"/panels/{host.Tenant}/timeline?atid=42&page=2147483647", $"relay-panel-{host.Tenant}", cookie);

        negative.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await negative.Content.ReadAsStringAsync()).ShouldContain(contactId);
        huge.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await huge.Content.ReadAsStringAsync()).ShouldNotContain(contactId, customMessage: "page × size would overflow to a negative offset, which reads the first page");
        timeline.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private HttpClient NoRedirects() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseUrl };

    private async Task<string> SessionCookieAsync(string tenant)
    {
        using var http = NoRedirects();
        var response = await http.GetAsync(host.PanelUrl(tenant, "leads", DemoTicket));
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var header = response.Headers.GetValues("Set-Cookie").Single();
        return header[(header.IndexOf('=', StringComparison.Ordinal) + 1)..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private async Task<HttpResponseMessage> GetWithCookieAsync(string path, string name, string value)
    {
        using var http = NoRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{name}={value}");
        return await http.SendAsync(request);
    }
}
