using Microsoft.Playwright;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Tests.Panels;
using Relay.Triggers;

// Not Relay.Tests.Console: that namespace would hide System.Console from every other test file.
namespace Relay.Tests.AdminConsole;

/// <summary>
/// The automations console in real Chromium: signed in through the form, building an automation from SuperOffice's
/// names, two editors on one automation, and an automation flagged when SuperOffice loses a record it names.
/// Screenshots go to <c>TestResults/console</c>.
/// </summary>
public sealed class AutomationConsoleTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    private static string ScreenshotFolder => Path.GetFullPath(Path.Combine(ChromiumFixture.ScreenshotFolder, "..", "console"));

    [Fact]
    public async Task Signed_in_an_admin_creates_an_automation_choosing_a_sale_type_a_selection_and_an_owner_by_name()
    {
        var tenant = await CreateTenantAsync();
        await using var editor = await SignInAsync($"/admin/tenants/{tenant}/automations");
        var page = editor.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "New automation" }).ClickAsync();
        await page.GetByLabel("Id", new() { Exact = true }).FillAsync("pricing-click");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Pricing page click");
        await page.GetByLabel("Trigger").SelectOptionAsync(new SelectOptionValue { Label = "email.clicked" });
        await page.Locator("select[name='Form.LinkMatch']").SelectOptionAsync(new SelectOptionValue { Label = "starts with" });
        await page.Locator("input[name='Form.LinkUrl']").FillAsync("https://example.com/pricing");
        await AddActionAsync(page, "Create a sale");
        var sale = page.Locator("fieldset[data-action='0']");
        await sale.GetByLabel("Heading").FillAsync("Looked at pricing");
        await sale.GetByLabel("Amount").FillAsync("5000");
        await sale.GetByLabel("Sale type").SelectOptionAsync(new SelectOptionValue { Label = "Upsell" });
        await sale.GetByLabel("Owner").SelectOptionAsync(new SelectOptionValue { Label = "Anna Sales" });
        await AddActionAsync(page, "Add to a selection");
        await page.Locator("fieldset[data-action='1']").GetByLabel("Selection").SelectOptionAsync(new SelectOptionValue { Label = "Newsletter subscribers" });
        await Assertions.Expect(sale.GetByLabel("Heading")).ToHaveValueAsync("Looked at pricing");
        await ScreenshotAsync(page, "console-automation-editor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).Last.ClickAsync();

        await Assertions.Expect(page.Locator(".message")).ToContainTextAsync("Automation 'Pricing page click' saved.");
        var row = page.Locator("tr[data-automation='pricing-click']");
        await Assertions.Expect(row).ToContainTextAsync("Create sale \"Looked at pricing\" (Upsell, 5000, 10%) for Anna Sales");
        await Assertions.Expect(row).ToContainTextAsync("Add to selection Newsletter subscribers");
        await Assertions.Expect(row.Locator(".flags")).ToContainTextAsync("ok");
        var newsletter = host.Emulator.Store.Read(s => s.Selections.Values.Single(x => x.Name == "Newsletter subscribers").SelectionId);
        var stored = (await host.Grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync())!.Automations.Single();
        stored.When.ShouldBe(new AutomationMatch(TriggerType.EmailClicked, LinkUrl: "https://example.com/pricing", LinkMatch: LinkMatch.Prefix));
        stored.Actions.ShouldBe([new CreateSaleAction("Looked at pricing", 5000, 2, 10, ActionOwner.Associate(102)), new AddToSelectionAction(newsletter)]);

        await row.GetByRole(AriaRole.Link, new() { Name = "History" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.history tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.history tbody tr")).ToContainTextAsync("operator");
        await Assertions.Expect(page.Locator("table.history tbody tr")).ToContainTextAsync("created");
        editor.Errors.ShouldBeEmpty("the pages keep to their CSP");
    }

    [Fact]
    public async Task Of_two_editors_changing_one_automation_the_second_is_told_someone_else_changed_it_and_overwrites_nothing()
    {
        var tenant = await CreateTenantAsync(new Automation("webinar", "Webinar sign-up", new AutomationMatch(TriggerType.FormSubmitted), [new AddInterestAction(4)]));
        var path = $"/admin/tenants/{tenant}/automations/webinar";
        await using var first = await SignInAsync(path);
        await using var second = await SignInAsync(path);

        await first.Page.GetByLabel("Name").FillAsync("Webinar sign-up (first)");
        await second.Page.GetByLabel("Name").FillAsync("Webinar sign-up (second)");
        await first.Page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).Last.ClickAsync();
        await Assertions.Expect(first.Page.Locator(".message")).ToContainTextAsync("saved");
        await second.Page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).Last.ClickAsync();

        var conflict = second.Page.Locator("#conflict");
        await Assertions.Expect(conflict).ToContainTextAsync("Someone else changed this automation ('webinar'): operator changed it at");
        await Assertions.Expect(conflict).ToContainTextAsync("Your changes were not saved");
        await Assertions.Expect(second.Page.GetByLabel("Name")).ToHaveValueAsync("Webinar sign-up (second)");
        (await host.Grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync())!.Automations.Single().Name.ShouldBe("Webinar sign-up (first)");
    }

    [Fact]
    public async Task A_selection_deleted_in_SuperOffice_is_flagged_on_its_automation_when_the_console_checks_all()
    {
        var doomed = host.Emulator.Store.AddSelection("Webinar 2027 " + Guid.NewGuid().ToString("N")[..4]);
        var tenant = await CreateTenantAsync(
            new Automation("demo-form", "Demo request", new AutomationMatch(TriggerType.FormSubmitted), [new CreateSaleAction("Demo request", 900, 1, 25, ActionOwner.Associate(102))]),
            new Automation("webinar", "Webinar sign-up", new AutomationMatch(TriggerType.FormSubmitted, FormId: "webinar"), [new AddInterestAction(4), new AddToSelectionAction(doomed.SelectionId)]));
        await using var console = await SignInAsync($"/admin/tenants/{tenant}/automations");
        await Assertions.Expect(console.Page.Locator("tr[data-automation='webinar'] .flags")).ToContainTextAsync("ok");

        using var emulator = new HttpClient { BaseAddress = host.Emulator.BaseUrl };
        (await emulator.DeleteAsync($"/admin/selections/{doomed.SelectionId}")).EnsureSuccessStatusCode();
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Check all against SuperOffice" }).ClickAsync();

        await Assertions.Expect(console.Page.Locator("#check-result")).ToContainTextAsync("1 automation(s) name records SuperOffice does not have.");
        await Assertions.Expect(console.Page.Locator("tr[data-automation='webinar'] .flags")).ToContainTextAsync($"actions[1].selectionId: selection {doomed.SelectionId} does not exist in SuperOffice");
        await Assertions.Expect(console.Page.Locator("tr[data-automation='demo-form'] .flags")).ToContainTextAsync("ok");
        await ScreenshotAsync(console.Page, "console-automations-flagged");
        await console.Page.Locator("tr[data-automation='webinar']").GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(console.Page.Locator("fieldset[data-action='1'] select")).ToContainTextAsync($"#{doomed.SelectionId} — not in SuperOffice");
        console.Errors.ShouldBeEmpty("the pages keep to their CSP");
    }

    [Fact]
    public async Task An_admin_makes_an_automation_wait_for_an_app_event_by_name_and_an_event_name_on_another_type_is_refused()
    {
        var tenant = await CreateTenantAsync();
        await using var editor = await SignInAsync($"/admin/tenants/{tenant}/automations/new");
        var page = editor.Page;

        await page.GetByLabel("Id", new() { Exact = true }).FillAsync("trial");
        await page.GetByLabel("Trigger").SelectOptionAsync(new SelectOptionValue { Label = "email.opened" });
        await page.GetByLabel("App event", new() { Exact = true }).FillAsync("trial.started");
        await AddActionAsync(page, "Add to a selection");
        await page.Locator("fieldset[data-action='0']").GetByLabel("Selection").SelectOptionAsync(new SelectOptionValue { Label = "Newsletter subscribers" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).Last.ClickAsync();
        await Assertions.Expect(page.Locator("#errors")).ToContainTextAsync("eventName: only app.event triggers carry an event name");

        await page.GetByLabel("Trigger").SelectOptionAsync(new SelectOptionValue { Label = "app.event" });
        await Assertions.Expect(page.GetByLabel("App event", new() { Exact = true })).ToHaveValueAsync("trial.started");
        await ScreenshotAsync(page, "console-automation-app-event");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).Last.ClickAsync();

        await Assertions.Expect(page.Locator("tr[data-automation='trial']")).ToContainTextAsync("event trial.started");
        (await host.Grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync())!.Automations.Single().When
            .ShouldBe(new AutomationMatch(TriggerType.AppEvent, EventName: "trial.started"));
        editor.Errors.ShouldBeEmpty("the pages keep to their CSP");
    }

    private static async Task AddActionAsync(IPage page, string kind)
    {
        await page.GetByLabel("Add an action").SelectOptionAsync(new SelectOptionValue { Label = kind });
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("fieldset.action legend").Last).ToContainTextAsync(kind);
    }

    private async Task<string> CreateTenantAsync(params Automation[] automations)
    {
        var tenant = "console-" + Guid.NewGuid().ToString("N")[..8];
        var grain = host.Grains.GetGrain<ITenantGrain>(tenant);
        var crm = new TenantCrmSettings(host.Emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password);
        (await grain.PutSettingsAsync(new TenantSettings("Console", crm))).Errors.ShouldBeEmpty();
        (await grain.PutAutomationsAsync([.. automations])).Errors.ShouldBeEmpty();
        return tenant;
    }

    /// <summary>A browser of its own, signed in through the console's form with the operator key, on <paramref name="path"/>.</summary>
    private async Task<ConsoleBrowser> SignInAsync(string path)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var browser = new ConsoleBrowser(context, page);
        page.Console += (_, message) =>
        {
            // The browser's own /favicon.ico is refused (401) like anything not mapped; what matters is the page's CSP.
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                browser.Errors.Add(message.Text);
            }
        };
        await page.GotoAsync(new Uri(host.BaseUrl, path).ToString());
        await page.GetByLabel("Operator key or admin credential").FillAsync(PanelHost.OperatorKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(host.BaseUrl, path).ToString(), new() { Timeout = 30_000 });
        return browser;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    private sealed record ConsoleBrowser(IBrowserContext Context, IPage Page) : IAsyncDisposable
    {
        /// <summary>What the page's Content Security Policy refused.</summary>
        public List<string> Errors { get; } = [];

        public ValueTask DisposeAsync() => Context.DisposeAsync();
    }
}
