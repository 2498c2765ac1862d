using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Relay.Contacts;
using Relay.Hosting;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Tests.Panels;

namespace Relay.Tests.AdminConsole;

/// <summary>The console's "What would this do?" page in real Chromium, against the real host, its silo and the emulator.</summary>
public sealed class DryRunConsoleTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    /// <summary>Where the console's screenshots are saved: <c>TestResults/console</c>.</summary>
    public static string ScreenshotFolder => Path.GetFullPath(Path.Combine(ChromiumFixture.ScreenshotFolder, "..", "console"));

    [Fact]
    public async Task The_dry_run_of_Ann_Bergs_pricing_click_shows_the_sale_the_notification_and_the_interest_with_her_person_id_and_changes_nothing()
    {
        var tenant = await DemoTenantAsync();
        var ann = host.Emulator.Store.Read(s => s.Persons.Values.Single(p => p.Emails.Contains("ann.berg@example.com")).PersonId);
        var contactId = "ann-" + Guid.NewGuid().ToString("N")[..8];
        await host.SendAsync(tenant, Visit(contactId));
        var contact = host.Grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId));
        await Eventually.GetAsync(() => contact.GetViewAsync(0, 50), v => v?.Status == ContactStatus.Linked, "Ann's contact to be linked to her person");
        var before = JsonSerializer.Serialize(await contact.GetViewAsync(0, 50), RelayJson.Options);
        var ledger = host.Emulator.Store.Ledger().Count;

        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, tenant);
        var problems = new List<string>(); // a style or script the console's CSP refused
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Refused", StringComparison.Ordinal))
            {
                problems.Add(message.Text);
            }
        };
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("What would this do?");
        await Assertions.Expect(page.Locator("#trigger-json")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("ann\\.berg@example\\.com"));

        await page.Locator("#trigger-json").FillAsync(PricingClick(contactId).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run this trigger" }).ClickAsync();

        var result = page.Locator("#dry-run-result");
        await Assertions.Expect(result.Locator("tr[data-automation='pricing-click']")).ToContainTextAsync("matches");
        await Assertions.Expect(result.Locator(".dry-run-resolution")).ToContainTextAsync($"Already linked to person {ann}");
        var writes = result.Locator(".dry-run-writes > li");
        await Assertions.Expect(writes).ToHaveCountAsync(3);
        await Assertions.Expect(writes.Nth(0)).ToContainTextAsync("Create a sale");
        await Assertions.Expect(writes.Nth(0)).ToContainTextAsync("Pricing interest");
        await Assertions.Expect(writes.Nth(0)).ToContainTextAsync("Anna Sales (102)");
        await Assertions.Expect(writes.Nth(1)).ToContainTextAsync("Notify the sales rep");
        await Assertions.Expect(writes.Nth(1)).ToContainTextAsync("Clicked the pricing page in a newsletter");
        await Assertions.Expect(writes.Nth(2)).ToContainTextAsync("Select interest");
        await Assertions.Expect(writes.Nth(2)).ToContainTextAsync("Pricing (5)");
        for (var i = 0; i < 3; i++)
        {
            await Assertions.Expect(writes.Nth(i)).ToContainTextAsync($"person id {ann}");
            await Assertions.Expect(writes.Nth(i)).ToContainTextAsync("would be written");
        }

        await Assertions.Expect(result).ToContainTextAsync("nothing was written");
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "console-dry-run.png"), FullPage = true });

        host.Emulator.Store.Ledger().Count.ShouldBe(ledger);
        JsonSerializer.Serialize(await contact.GetViewAsync(0, 50), RelayJson.Options).ShouldBe(before);
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_malformed_trigger_is_refused_with_a_reason_per_field_on_the_page()
    {
        var tenant = await DemoTenantAsync();
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, tenant);

        await page.Locator("#trigger-json").FillAsync("""{"id": "x", "type": "email.nope", "contact": {"id": "c-1"}}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Dry run this trigger" }).ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("Nothing was run");
        await Assertions.Expect(alert).ToContainTextAsync("unknown type 'email.nope'");
        await Assertions.Expect(alert).ToContainTextAsync("occurredAt");
        (await page.Locator("#dry-run-result").CountAsync()).ShouldBe(0);
    }

    /// <summary>Opens the tenant's dry-run page and signs in through the form with the operator key.</summary>
    private async Task SignInAsync(IPage page, string tenant)
    {
        await page.GotoAsync($"{host.BaseUrl}admin/tenants/{tenant}/dry-run");
        await page.Locator("input[name=key]").FillAsync(PanelHost.OperatorKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("What would this do?");
    }

    /// <summary>A tenant like the demo's: Berg AB's rep, the pricing-click, demo-request and newsletter automations, on the emulator.</summary>
    private async Task<string> DemoTenantAsync()
    {
        var tenant = "dry-" + Guid.NewGuid().ToString("N")[..8];
        var (webinar, launch) = host.Emulator.Store.Read(s => (
            s.Selections.Values.Single(x => x.Name == "Webinar attendees").SelectionId,
            s.Projects.Values.Single(x => x.Name == "Spring launch").ProjectId));
        var crm = new TenantCrmSettings(host.Emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password);
        var grain = host.Grains.GetGrain<ITenantGrain>(tenant);
        (await grain.PutSettingsAsync(DemoData.Settings(crm, salesRepAssociateId: 102))).Errors.ShouldBeEmpty();
        (await grain.PutAutomationsAsync(DemoData.AutomationsFor(webinar, launch, pricingInterestId: 5, salesRepAssociateId: 102))).Errors.ShouldBeEmpty();
        return tenant;
    }

    private static JsonObject Visit(string contactId) => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "landingpage.visited",
        ["occurredAt"] = "2026-11-28T09:00:00Z",
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = "ann.berg@example.com", ["firstName"] = "Ann", ["lastName"] = "Berg" },
        ["content"] = new JsonObject { ["id"] = "lp-spring", ["name"] = "Spring offer" },
    };

    private static JsonObject PricingClick(string contactId) => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "email.clicked",
        ["occurredAt"] = "2026-11-29T10:15:00Z",
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = "ann.berg@example.com", ["firstName"] = "Ann", ["lastName"] = "Berg" },
        ["content"] = new JsonObject { ["id"] = "mail-2026-11", ["name"] = "November newsletter" },
        ["link"] = new JsonObject { ["url"] = "https://example.com/pricing" },
    };
}
