using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Relay.Crm;
using Relay.NetServerEmulator.Online;
using Relay.Tenants;
using Relay.Web.Online;
using Relay.Web.Panels;

namespace Relay.Tests.Panels;

/// <summary>
/// The Online install and the panels' pop-up sign-in over HTTP against the emulator's SuperID: what Relay stores, what it
/// never shows, and that every answer SuperID did not really give for this user and customer leaves no session.
/// </summary>
public sealed partial class OnlineSignInTests(OnlinePanelHost host) : IClassFixture<OnlinePanelHost>
{
    private static readonly Dictionary<string, string> Demo = new() { ["username"] = "demo", ["password"] = "demo" };

    private OnlineApplications Applications => host.Emulator.Applications;

    [Fact]
    public async Task Installing_creates_an_online_tenant_whose_system_token_is_stored_protected_and_never_shown()
    {
        var tenant = "inst-" + Guid.NewGuid().ToString("N")[..8];
        using var browser = new SignInBrowser();

        var (_, status, body) = await browser.RunAsync(new Uri(host.BaseUrl, $"/online/install?environment=sod&tenant={tenant}"), Demo);

        status.ShouldBe(HttpStatusCode.Created, body);
        body.ShouldContain("Relay is installed");
        var settings = (await host.Grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync()).ShouldNotBeNull().Settings;
        settings.Crm.BaseUrl.ShouldBeNullOrEmpty();
        settings.Crm.ServicesVersion.ShouldBe("88");
        settings.Crm.Password.ShouldBeNull();
        var online = settings.Crm.Online.ShouldNotBeNull();
        (online.ContextIdentifier, online.Environment).ShouldBe((OnlinePanelHost.ContextIdentifier, "sod"));
        CrmSecrets.IsProtected(online.SystemUserToken).ShouldBeTrue();
        var systemToken = host.Services.GetRequiredService<CrmSecrets>().Reveal(online.SystemUserToken, tenant, "system-user token")!;
        Applications.IsSystemToken(OnlinePanelHost.ClientId, OnlinePanelHost.ContextIdentifier, systemToken).ShouldBeTrue();
        browser.Responses.Where(r => r.Url.Port == host.BaseUrl.Port).ShouldAllBe(r => !r.Body.Contains(systemToken));

        var panels = settings.Panels.ShouldNotBeNull();
        panels.ContextIdentifier.ShouldBe(OnlinePanelHost.ContextIdentifier);
        panels.FrameAncestors.ShouldBe([host.SuperIdBase.GetLeftPart(UriPartial.Authority), "https://*.superoffice.com"]);
        panels.LeadReportGroups.ShouldBe([1, 2], ignoreOrder: true);
        browser.Cookie(host.BaseUrl.Host, "relay-online-signin").ShouldBeNull();

        // SuperID answers from another site in production: the correlation and nonce cookies must be sent back cross-site.
        var signInCookies = browser.SetCookies.Where(c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal) || c.StartsWith(".AspNetCore.OpenIdConnect.Nonce.", StringComparison.Ordinal)).ToList();
        signInCookies.Count.ShouldBeGreaterThanOrEqualTo(2);
        signInCookies.ShouldAllBe(c => c.Contains("samesite=none") && c.Contains("secure") && c.Contains("httponly"));
    }

    [Fact]
    public async Task Installing_again_for_the_same_customer_replaces_the_system_token_and_keeps_the_panels()
    {
        var tenant = "inst-" + Guid.NewGuid().ToString("N")[..8];
        var url = new Uri(host.BaseUrl, $"/online/install?environment=sod&tenant={tenant}");
        using (var first = new SignInBrowser())
        {
            (await first.RunAsync(url, Demo)).Status.ShouldBe(HttpStatusCode.Created);
        }

        var grain = host.Grains.GetGrain<ITenantGrain>(tenant);
        var before = (await grain.GetConfigAsync())!.Settings;
        (await grain.PutSettingsAsync(before with { Panels = before.Panels! with { LeadReportGroups = [7] } })).Errors.ShouldBeEmpty();
        using var again = new SignInBrowser();

        var (_, status, body) = await again.RunAsync(url, Demo);

        status.ShouldBe(HttpStatusCode.OK, body);
        body.ShouldContain("The panels keep the settings they had");
        var after = (await grain.GetConfigAsync())!.Settings;
        after.Panels!.LeadReportGroups.ShouldBe([7]);
        after.Crm.Online!.SystemUserToken.ShouldNotBe(before.Crm.Online!.SystemUserToken);
        CrmSecrets.IsProtected(after.Crm.Online.SystemUserToken).ShouldBeTrue();
    }

    [Fact]
    public async Task Installing_under_the_id_of_another_customers_online_tenant_is_refused()
    {
        var tenant = "inst-" + Guid.NewGuid().ToString("N")[..8];
        var grain = host.Grains.GetGrain<ITenantGrain>(tenant);
        (await grain.PutSettingsAsync(new TenantSettings("Other", new TenantCrmSettings("", "88", Online: new TenantOnlineSettings("Cust99999", "sod", "SysTok-other"))))).Errors.ShouldBeEmpty();
        using var browser = new SignInBrowser();

        var (_, status, body) = await browser.RunAsync(new Uri(host.BaseUrl, $"/online/install?environment=sod&tenant={tenant}"), Demo);

        status.ShouldBe(HttpStatusCode.Forbidden, body);
        body.ShouldContain("belongs to another SuperOffice customer");
        (await grain.GetConfigAsync())!.Settings.Crm.Online!.ContextIdentifier.ShouldBe("Cust99999");
    }

    [Fact]
    public async Task Installing_as_a_user_who_is_not_an_administrator_is_refused_and_creates_no_tenant()
    {
        var tenant = "inst-" + Guid.NewGuid().ToString("N")[..8];
        using var browser = new SignInBrowser();

        var (_, status, body) = await browser.RunAsync(
            new Uri(host.BaseUrl, $"/online/install?environment=sod&tenant={tenant}"), new Dictionary<string, string> { ["username"] = "anna", ["password"] = "anna", ["approve"] = "" });

        status.ShouldBe(HttpStatusCode.Forbidden, body);
        body.ShouldContain("Only an administrator can install Relay");
        (await host.Grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task Installing_under_the_id_of_an_onsite_tenant_is_refused_and_leaves_it_unchanged()
    {
        var before = await host.Grains.GetGrain<ITenantGrain>(host.Tenant).GetConfigAsync();
        using var browser = new SignInBrowser();

        var (_, status, body) = await browser.RunAsync(new Uri(host.BaseUrl, $"/online/install?environment=sod&tenant={host.Tenant}"), Demo);

        status.ShouldBe(HttpStatusCode.Forbidden, body);
        body.ShouldContain("connected to an onsite SuperOffice");
        (await host.Grains.GetGrain<ITenantGrain>(host.Tenant).GetConfigAsync())!.Version.ShouldBe(before!.Version);
    }

    [Fact]
    public async Task An_online_panel_without_a_session_offers_the_superoffice_sign_in_with_no_inline_script()
    {
        using var browser = new SignInBrowser();

        var (_, status, body) = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, host.OnlinePanelUrl("leads", extra: "&x=1")));

        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.ShouldContain("Sign in with SuperOffice");
        WebUtility.HtmlDecode(SignInLink().Match(body).Groups[1].Value)
            .ShouldBe($"/online/panel-signin?tenant={host.OnlineTenant}&uctx=Cust12345&usid=101&return={Uri.EscapeDataString($"/panels/{host.OnlineTenant}/leads?x=1")}");
        Regex.Matches(body, "<script[^>]*>").ShouldAllBe(m => m.Value.Contains("src=\"/online/panel-signin.js\""));
        using var http = new HttpClient();
        var response = await http.GetAsync(host.OnlinePanelUrl("leads"));
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldEndWith("; script-src 'self'");
    }

    [Fact]
    public async Task Signing_in_in_the_pop_up_hands_a_session_to_the_panel_frame_that_opens_the_lead_report()
    {
        using var browser = new SignInBrowser();
        var (_, status, body) = await browser.RunAsync(host.PanelSignInUrl(host.OnlineTenant), Demo);
        status.ShouldBe(HttpStatusCode.OK, body);
        browser.Cookie(host.BaseUrl.Host, "relay-online-signin").ShouldBeNull();
        var token = WebUtility.HtmlDecode(HandOffToken().Match(body).Groups[1].Value);
        token.ShouldNotBeEmpty();

        var (location, redeemed, _) = await RedeemAsync(browser, host.OnlineTenant, token);

        redeemed.ShouldBe(HttpStatusCode.SeeOther);
        location!.PathAndQuery.ShouldBe($"/panels/{host.OnlineTenant}/leads");
        browser.SetCookies.Last().ShouldContain("Partitioned");
        var (_, leads, page) = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, location));
        leads.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain("Demo User");
    }

    [Theory]
    [InlineData("nonce")]
    [InlineData("ctx")]
    [InlineData("associateid")]
    [InlineData("signing-key")]
    [InlineData("another-user")]
    public async Task A_sign_in_superid_did_not_give_for_this_user_and_customer_is_refused_and_leaves_no_session(string change)
    {
        var user = Demo;
        switch (change)
        {
            case "nonce": Applications.TamperClaims = c => c["nonce"] = "not-the-nonce-relay-sent"; break;
            case "ctx": Applications.TamperClaims = c => c[SuperIdClaims.ContextIdentifier] = "Cust99999"; break;
            case "associateid": Applications.TamperClaims = c => c[SuperIdClaims.AssociateId] = "102"; break;
            case "signing-key": Applications.TokenSigningOverride = new RsaSecurityKey(RSA.Create(2048)) { KeyId = Applications.SigningKey.KeyId }; break;
            default: user = new() { ["username"] = "anna", ["password"] = "anna" }; break;
        }

        try
        {
            using var browser = new SignInBrowser();
            var (_, status, body) = await browser.RunAsync(host.PanelSignInUrl(host.OnlineTenant), user);

            status.ShouldBe(HttpStatusCode.Unauthorized, body);
            body.ShouldContain("Sign-in not confirmed");
            HandOffToken().IsMatch(body).ShouldBeFalse();
            browser.SetCookies.ShouldNotContain(c => c.StartsWith("relay-panel-", StringComparison.Ordinal) || c.StartsWith("relay-online-signin=C", StringComparison.Ordinal));
        }
        finally
        {
            Applications.TamperClaims = null;
            Applications.TokenSigningOverride = null;
        }
    }

    [Fact]
    public async Task A_hand_off_from_the_pop_up_becomes_the_partitioned_session_cookie_and_returns_to_the_panel()
    {
        using var browser = new SignInBrowser();

        var (location, status, _) = await RedeemAsync(browser, host.Tenant, HandOffs.Protect(HandOff(host.Tenant)));

        status.ShouldBe(HttpStatusCode.SeeOther);
        location!.PathAndQuery.ShouldBe($"/panels/{host.Tenant}/timeline?atid=42");
        var cookie = browser.SetCookies.ShouldHaveSingleItem();
        cookie.ShouldStartWith($"relay-panel-{host.Tenant}=");
        cookie.ShouldContain("Partitioned");
        cookie.ShouldContain("samesite=none");
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("expired")]
    [InlineData("other-tenant")]
    public async Task A_forged_expired_or_other_tenants_hand_off_is_a_401_and_no_session(string kind)
    {
        var token = kind switch
        {
            "forged" => "CfDJ8" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(120)).Replace('+', '-').Replace('/', '_'),
            "expired" => HandOffs.Protect(HandOff(host.Tenant), DateTimeOffset.UtcNow.AddSeconds(-1)),
            _ => HandOffs.Protect(HandOff(host.OtherTenant) with { ReturnPath = $"/panels/{host.OtherTenant}/leads" }),
        };
        using var browser = new SignInBrowser();

        var (location, status, body) = await RedeemAsync(browser, host.Tenant, token);

        status.ShouldBe(HttpStatusCode.Unauthorized);
        location.ShouldBeNull();
        body.ShouldContain("Sign-in not confirmed");
        browser.SetCookies.ShouldBeEmpty();
    }

    private PanelHandOffs HandOffs => host.Services.GetRequiredService<PanelHandOffs>();

    private static PanelHandOff HandOff(string tenant) =>
        new(new PanelSession(tenant, PanelHost.DemoUser, "Demo User", [1, 2], DateTimeOffset.UtcNow.AddMinutes(20)), $"/panels/{tenant}/timeline?atid=42");

    private Task<(Uri? Location, HttpStatusCode Status, string Body)> RedeemAsync(SignInBrowser browser, string tenant, string token) =>
        browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseUrl, $"/panels/{tenant}/session"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["handoff"] = token }),
        });

    [GeneratedRegex("id=\"relay-handoff\" data-token=\"([^\"]+)\"")]
    private static partial Regex HandOffToken();

    [GeneratedRegex("data-signin=\"([^\"]+)\"")]
    private static partial Regex SignInLink();
}
