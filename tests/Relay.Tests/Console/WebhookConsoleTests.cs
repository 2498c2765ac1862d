using Microsoft.Playwright;
using Relay.Access;
using Relay.Feed;
using Relay.Feed.Webhooks;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Tests.Feed;
using Relay.Tests.Panels;

namespace Relay.Tests.AdminConsole;

/// <summary>
/// The console's webhook page in real Chromium with scripts off: where delivery stands, the delivery log of a receiver that
/// refuses, and replay of one event (recorded in History); a replay the feed cannot serve is refused with a message.
/// Screenshot: <c>TestResults/console/console-webhook.png</c>.
/// </summary>
public sealed class WebhookConsoleTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    private static string ScreenshotFolder => Path.GetFullPath(Path.Combine(ChromiumFixture.ScreenshotFolder, "..", "console"));

    [Fact]
    public async Task The_webhook_page_shows_failed_deliveries_and_replays_one_event_and_refuses_a_replay_beyond_the_feed()
    {
        // The emulator's port is the one local address the host allows; it has no webhook route, so each POST fails.
        var tenant = "hook-" + Guid.NewGuid().ToString("N")[..8];
        var url = new Uri(host.Emulator.BaseUrl, "/relay-hooks").ToString();
        var crm = new TenantCrmSettings(host.Emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password);
        (await host.Grains.GetGrain<ITenantGrain>(tenant).PutSettingsAsync(new TenantSettings("Webhook", crm, Webhook: new WebhookSettings(url)))).Errors.ShouldBeEmpty();
        (await host.Grains.GetGrain<ITenantAccessGrain>(tenant).AddSigningSecretAsync(AccessTokens.NewSigningSecret())).Error.ShouldBeNull();
        await host.Grains.GetGrain<IEventFeedGrain>(tenant).AppendAsync([EventFeedTests.Event("c1", 1), EventFeedTests.Event("c2", 1)]);
        await Eventually.GetAsync(host.Grains.GetGrain<IWebhookGrain>(tenant).GetStatusAsync, s => s.Attempts > 0, "a failed delivery");

        Directory.CreateDirectory(ScreenshotFolder);
        await using var context = await chromium.Browser.NewContextAsync(new() { BaseURL = host.BaseUrl.ToString(), JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add(m.Text);
            }
        };
        var path = $"/admin/tenants/{tenant}/webhook";
        await page.GotoAsync(path);
        await page.Locator("input[name=key]").FillAsync(PanelHost.OperatorKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync($"**{path}");

        await Assertions.Expect(page.Locator(".webhook-status")).ToContainTextAsync(url);
        await Assertions.Expect(page.Locator(".webhook-status")).ToContainTextAsync("retrying");
        await Assertions.Expect(page.Locator(".webhook-status")).ToContainTextAsync("event 0 of 2");
        await Assertions.Expect(page.Locator("table.webhook-log tr[data-seq='1']").First).ToContainTextAsync("failed");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "console-webhook.png"), FullPage = true });

        await page.Locator("input[name=seq]").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay event" }).ClickAsync();
        await Assertions.Expect(page.Locator(".message")).ToHaveTextAsync("Delivering event 2 again");

        await page.Locator("input[name=after]").FillAsync("99");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".problem")).ToContainTextAsync("after: must be between 0 and the feed's newest sequence, 2");

        await page.GotoAsync($"/admin/tenants/{tenant}/history");
        await Assertions.Expect(page.Locator("table.history tbody tr").First).ToContainTextAsync("Delivering event 2 again");
        problems.ShouldBeEmpty();
    }
}
