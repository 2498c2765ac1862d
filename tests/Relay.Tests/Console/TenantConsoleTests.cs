using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Relay.Admin;
using Relay.Crm;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Tests.Panels;

namespace Relay.Tests.AdminConsole;

/// <summary>
/// The console's tenant pages in Chromium: signing in through the form, the tenant list, creating a tenant, its overview
/// with the connection test and status, and editing its settings. Screenshots go to <c>TestResults/console</c>.
/// </summary>
public sealed class TenantConsoleTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    private static string ScreenshotFolder => Path.GetFullPath(Path.Combine(ChromiumFixture.ScreenshotFolder, "..", "console"));

    [Fact]
    public async Task The_operator_signs_in_through_the_form_and_sees_every_tenant()
    {
        await using var console = await SignInAsync(PanelHost.OperatorKey);

        await Assertions.Expect(console.Page.Locator("h1")).ToHaveTextAsync("Tenants");
        console.Page.Url.ShouldEndWith("/admin/tenants");
        await Assertions.Expect(console.Page.Locator($"tr[data-tenant='{host.Tenant}']")).ToContainTextAsync("Onsite NetServer");
        await Assertions.Expect(console.Page.Locator($"tr[data-tenant='{host.OtherTenant}']")).ToBeVisibleAsync();
        await Assertions.Expect(console.Page.GetByRole(AriaRole.Link, new() { Name = "New tenant" })).ToBeVisibleAsync();
        await console.ScreenshotAsync("console-tenants");
        console.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_tenant_admin_sees_only_its_own_tenant_and_may_not_create_one()
    {
        await using var console = await SignInAsync(await IssueAdminCredentialAsync(host.Tenant));

        await Assertions.Expect(console.Page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(console.Page.Locator($"tr[data-tenant='{host.Tenant}']")).ToBeVisibleAsync();
        (await console.Page.GetByRole(AriaRole.Link, new() { Name = "New tenant" }).CountAsync()).ShouldBe(0);

        var create = await console.Page.GotoAsync($"{host.BaseUrl}admin/tenants/new");
        create!.Status.ShouldBe(403);
        var other = await console.Page.GotoAsync($"{host.BaseUrl}admin/tenants/{host.OtherTenant}");
        other!.Status.ShouldBe(403);
    }

    [Fact]
    public async Task A_tenant_created_with_a_wrong_password_fails_the_connection_test_plainly_until_its_settings_are_fixed()
    {
        var tenant = "ct-" + Guid.NewGuid().ToString("N")[..8];
        await using var console = await SignInAsync(PanelHost.OperatorKey);
        var page = console.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "New tenant" }).ClickAsync();
        await page.GetByLabel("Tenant id").FillAsync(tenant);
        await page.GetByLabel("Display name").FillAsync("Connection test AB");
        await page.GetByLabel("NetServer address").FillAsync(host.Emulator.BaseUrl.ToString().TrimEnd('/'));
        await page.GetByLabel("User name").FillAsync(DemoSeed.UserName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }).ClickAsync();
        await Assertions.Expect(page.Locator(".message")).ToContainTextAsync($"Tenant {tenant} created");

        await page.GetByRole(AriaRole.Button, new() { Name = "Test the connection" }).ClickAsync();
        var result = page.Locator(".connection-result");
        await Assertions.Expect(result).ToContainTextAsync("The connection test failed: AuthenticationFailed");
        await Assertions.Expect(result).ToContainTextAsync("NetServer refused the user name or password (user 'demo').");
        (await result.GetAttributeAsync("data-succeeded")).ShouldBe("false");

        await page.GetByRole(AriaRole.Link, new() { Name = "Edit settings" }).ClickAsync();
        (await page.GetByLabel("Password", new() { Exact = true }).InputValueAsync()).ShouldBeEmpty();
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(DemoSeed.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.Locator(".message")).ToContainTextAsync("Settings saved.");
        await host.SendAsync(tenant, PanelHost.FormTrigger("c-" + Guid.NewGuid().ToString("N")[..6], Build.Email(), "Olga", "Overview"));
        await Eventually.GetAsync(() => host.Grains.GetGrain<ITenantStatusGrain>(tenant).GetAsync(), s => s.TriggersPerMinute == 1, "the trigger in the tenant's status");

        await page.GetByRole(AriaRole.Button, new() { Name = "Test the connection" }).ClickAsync();
        await Assertions.Expect(result).ToContainTextAsync("Connected. Signed in as Demo User (demo, associate 101)");
        await Assertions.Expect(result).ToContainTextAsync("Sales (1), Marketing (2)");
        await Assertions.Expect(result).ToContainTextAsync("Services75");
        await Assertions.Expect(page.Locator("[data-figure=triggers] .figure")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("[data-figure=circuit]")).ToContainTextAsync("closed");
        await console.ScreenshotAsync("console-tenant-overview");

        var log = await host.Grains.GetGrain<IAdminLogGrain>(tenant).GetAsync(AdminAreas.Tenant, tenant, 0, 10);
        log.Entries.Select(e => (e.Change.Action, e.Change.Who, e.Change.Detail)).ShouldBe([("changed", "operator", "password set"), ("created", "operator", "password set")]);
        string.Concat(log.Entries.Select(e => e.Change.Before + e.Change.After)).ShouldNotContain("wrong-password");
        console.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_operator_switches_a_tenant_to_the_rest_web_api_and_the_connection_test_then_signs_in_over_rest()
    {
        var tenant = "rest-" + Guid.NewGuid().ToString("N")[..8];
        await using var console = await SignInAsync(PanelHost.OperatorKey);
        var page = console.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "New tenant" }).ClickAsync();
        await page.GetByLabel("Tenant id").FillAsync(tenant);
        await page.GetByLabel("NetServer address").FillAsync(host.Emulator.BaseUrl.ToString().TrimEnd('/'));
        await page.GetByLabel("User name").FillAsync(DemoSeed.UserName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(DemoSeed.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create tenant" }).ClickAsync();
        await Assertions.Expect(page.Locator(".message")).ToContainTextAsync($"Tenant {tenant} created");

        await page.GetByRole(AriaRole.Link, new() { Name = "Edit settings" }).ClickAsync();
        (await page.GetByLabel("Web services").InputValueAsync()).ShouldBe("Soap");
        await page.GetByLabel("Web services").SelectOptionAsync("Rest");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.Locator(".message")).ToContainTextAsync("Settings saved.");
        var principalsBefore = host.Emulator.Requests.Snapshot().Count(r => r is { Version: "rest", Operation: "currentPrincipal", Status: 200 });

        await page.GetByRole(AriaRole.Button, new() { Name = "Test the connection" }).ClickAsync();
        var result = page.Locator(".connection-result");
        await Assertions.Expect(result).ToContainTextAsync("Connected. Signed in as Demo User (demo, associate 101)");
        await Assertions.Expect(result).ToContainTextAsync("REST v1");
        await Assertions.Expect(page.Locator("[data-protocol]")).ToHaveTextAsync("REST web API (/api/v1)");
        await console.ScreenshotAsync("console-tenant-rest");

        // The stored password stayed (same user at the same address) and went over REST as Basic credentials.
        host.Emulator.Requests.Snapshot().Count(r => r is { Version: "rest", Operation: "currentPrincipal", Status: 200 }).ShouldBeGreaterThan(principalsBefore);
        (await host.Grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync())!.Connection.Protocol.ShouldBe(CrmProtocol.Rest);
        console.Problems.ShouldBeEmpty();
    }

    private async Task<string> IssueAdminCredentialAsync(string tenant)
    {
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", PanelHost.OperatorKey);
        var issued = await http.PostAsJsonAsync($"/api/operator/tenants/{tenant}/credentials", new { name = "support", scopes = new[] { "admin" } });
        issued.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        return (await issued.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>();
    }

    /// <summary>Opens the console's home, is sent to the sign-in form, and signs in with <paramref name="key"/>.</summary>
    private async Task<ConsoleSession> SignInAsync(string key)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var session = new ConsoleSession(context, await context.NewPageAsync());
        await session.Page.GotoAsync($"{host.BaseUrl}admin/tenants");
        session.Page.Url.ShouldContain("/admin/login");
        await session.Page.GetByLabel("Operator key or admin credential").FillAsync(key);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(session.Page.Locator("h1")).ToHaveTextAsync("Tenants");
        return session;
    }

    /// <summary>A signed-in browser context; collects script errors and CSP violations the page reports.</summary>
    private sealed class ConsoleSession : IAsyncDisposable
    {
        public ConsoleSession(IBrowserContext context, IPage page)
        {
            Context = context;
            Page = page;
            // A failed load is reported by its response below, which names the URL; the browser's own favicon request is not the console's.
            page.Console += (_, m) =>
            {
                if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                {
                    Problems.Add(m.Text);
                }
            };
            page.Response += (_, r) =>
            {
                if (r.Status >= 400 && r.Status != 403 && !r.Url.EndsWith("/favicon.ico", StringComparison.Ordinal))
                {
                    Problems.Add($"{r.Status} {r.Url}");
                }
            };
            page.PageError += (_, e) => Problems.Add(e);
        }

        public IBrowserContext Context { get; }

        public IPage Page { get; }

        public List<string> Problems { get; } = [];

        public async Task ScreenshotAsync(string name)
        {
            Directory.CreateDirectory(ScreenshotFolder);
            await Page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
        }

        public ValueTask DisposeAsync() => Context.DisposeAsync();
    }
}
