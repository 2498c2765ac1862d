using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Relay.Contacts;
using Relay.DeadLetters;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Tests.Panels;
using Relay.Triggers;

namespace Relay.Tests.AdminConsole;

/// <summary>
/// The console's parked actions and dead letters, history and imports in real Chromium with scripts turned off, so every
/// confirmation step is shown to work as plain links and forms. Screenshot: <c>TestResults/console/console-operations.png</c>.
/// </summary>
public sealed class OperationsConsoleTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    private static string ScreenshotFolder => Path.GetFullPath(Path.Combine(ChromiumFixture.ScreenshotFolder, "..", "console"));

    private EmulatorStore Store => host.Emulator.Store;

    [Fact]
    public async Task A_parked_action_is_replayed_from_the_console_after_its_cause_is_fixed_and_the_write_reaches_superoffice()
    {
        var selectionId = Store.Write(s => s.NextId()); // an id no selection has yet
        var tenant = await CreateTenantAsync(new AddToSelectionAction(selectionId));
        var email = Build.Email();
        var person = Store.AddPerson("Greta", "Holm", email).PersonId;
        var contactId = Build.Id("c");
        await host.SendAsync(tenant, OpenedEmail(contactId, email));
        var parked = (await Eventually.GetAsync(
            () => host.Grains.GetGrain<IParkedIndexGrain>(tenant).GetAsync(null, 0, 10), r => r.Total == 1, "the selection action to be parked")).Items[0];
        await host.Grains.GetGrain<IDeadLetterGrain>(tenant).AddAsync(Letter(tenant, "misrouted", "WrongContact"));
        await using var console = await SignInAsync($"/admin/tenants/{tenant}/operations");
        var page = console.Page;

        var group = page.Locator("#parked tr[data-error-type='SelectionNotFound']");
        await Assertions.Expect(group).ToContainTextAsync("SelectionNotFound");
        await Assertions.Expect(page.Locator("#dead-letters tr[data-error-type='WrongContact']")).ToContainTextAsync("WrongContact for misrouted");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "console-operations.png"), FullPage = true });

        Store.Write(s => s.Selections[selectionId] = new SelectionRecord { SelectionId = selectionId, Name = "Created after parking", SelectionType = "Static" });
        await page.Locator($"tr[data-parked='{contactId}/{parked.Key}']").GetByRole(AriaRole.Link, new() { Name = "Replay…" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Replay parked action {parked.Key} of contact {contactId}?");
        await Assertions.Expect(page.Locator(".confirm")).ToContainTextAsync("SelectionNotFound");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "console-operations-confirm.png"), FullPage = true });
        Store.Ledger().ShouldNotContain(e => e.Operation == "AddContactSelectionMembers" && e.EntityId == selectionId, "nothing happens before the confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();

        await Assertions.Expect(page.Locator(".message")).ToHaveTextAsync($"Replayed parked action {parked.Key} of contact {contactId}.");
        page.Url.ShouldEndWith($"/admin/tenants/{tenant}/operations?message=" + Uri.EscapeDataString($"Replayed parked action {parked.Key} of contact {contactId}."));
        var write = await Eventually.GetAsync(
            () => Task.FromResult(Store.Ledger().Where(e => e.Operation == "AddContactSelectionMembers" && e.EntityId == selectionId).ToList()),
            w => w.Count == 1,
            "the replayed action's write in the emulator's ledger");
        write[0].Summary.ShouldContain($"add person {person}");
        await Eventually.GetAsync(() => host.Grains.GetGrain<IParkedIndexGrain>(tenant).GetAsync(null, 0, 10), r => r.Total == 0, "the parked index to empty");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#parked")).ToContainTextAsync("Nothing is parked.");

        await page.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
        var entry = page.Locator("table.history tbody tr").First;
        await Assertions.Expect(entry).ToContainTextAsync("operator");
        await Assertions.Expect(entry).ToContainTextAsync($"{contactId}/{parked.Key}");
        await Assertions.Expect(entry).ToContainTextAsync("replay");
        await entry.Locator("summary").ClickAsync();
        await Assertions.Expect(entry.Locator("pre").First).ToContainTextAsync("\"errorType\": \"SelectionNotFound\"");
        console.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Dead_letters_are_discarded_by_type_after_confirming_and_a_cancelled_or_unoffered_operation_changes_nothing()
    {
        var tenant = await CreateTenantAsync(new AddInterestAction(4));
        var letters = host.Grains.GetGrain<IDeadLetterGrain>(tenant);
        foreach (var (contact, type) in new[] { ("a", "WrongContact"), ("b", "WrongContact"), ("c", "MissingContact") })
        {
            await letters.AddAsync(Letter(tenant, contact, type));
        }

        await using var console = await SignInAsync($"/admin/tenants/{tenant}/operations");
        var page = console.Page;
        var group = page.Locator("#dead-letters tr[data-error-type='WrongContact']");

        await group.GetByRole(AriaRole.Link, new() { Name = "Discard type…" }).ClickAsync();
        await Assertions.Expect(page.Locator(".affected")).ToHaveTextAsync("2 dead letters");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        (await letters.GetAsync(null, 0, 10)).Total.ShouldBe(3, "a cancelled discard changes nothing");

        await group.GetByRole(AriaRole.Link, new() { Name = "Discard type…" }).ClickAsync();
        await Assertions.Expect(page.Locator(".confirm")).ToContainTextAsync("This cannot be undone.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard" }).ClickAsync();
        await Assertions.Expect(page.Locator(".message")).ToHaveTextAsync("Discarded 2 dead letters of type WrongContact.");
        await Assertions.Expect(page.Locator("#dead-letters tr[data-error-type]")).ToHaveCountAsync(1);
        (await letters.GetAsync(null, 0, 10)).ByErrorType.Keys.ShouldHaveSingleItem().ShouldBe("MissingContact");

        var refused = await page.GotoAsync($"{host.BaseUrl}admin/tenants/{tenant}/operations/confirm?do=discard&of=parked&scope=all");
        refused!.Status.ShouldBe(400);
        await Assertions.Expect(page.Locator(".problem")).ToContainTextAsync("Discarding everything at once is not offered");
        (await page.Locator("main form[method=post]").CountAsync()).ShouldBe(0);
        var gone = await page.GotoAsync($"{host.BaseUrl}admin/tenants/{tenant}/operations/confirm?do=replay&of=parked&scope=one&contact=nobody&key=k");
        gone!.Status.ShouldBe(404);

        await page.GotoAsync($"{host.BaseUrl}admin/tenants/{tenant}/history?area=dead-letter");
        await Assertions.Expect(page.Locator("table.history tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table.history tbody tr")).ToContainTextAsync("Discarded 2 dead letters of type WrongContact");
        console.Problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_imports_page_is_part_of_the_console()
    {
        var tenant = await CreateTenantAsync(new AddInterestAction(4));
        await using var console = await SignInAsync($"/admin/tenants/{tenant}/imports");
        var page = console.Page;

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Imports of {tenant}");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("No imports yet");
        await Assertions.Expect(page.Locator("nav a[aria-current=page]")).ToHaveTextAsync("Imports");
        console.Problems.ShouldBeEmpty();
    }

    private async Task<string> CreateTenantAsync(AutomationAction action)
    {
        var tenant = "ops-" + Guid.NewGuid().ToString("N")[..8];
        var crm = new TenantCrmSettings(host.Emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password);
        var grain = host.Grains.GetGrain<ITenantGrain>(tenant);
        (await grain.PutSettingsAsync(new TenantSettings("Operations", crm))).Errors.ShouldBeEmpty();
        (await grain.PutAutomationsAsync([new Automation("opened", "Opened a newsletter", new AutomationMatch(TriggerType.EmailOpened), [action])])).Errors.ShouldBeEmpty();
        return tenant;
    }

    /// <summary>Opens <paramref name="path"/> with scripts off, signs in with the operator key on the form it is sent to, and lands there.</summary>
    private async Task<ConsoleBrowser> SignInAsync(string path)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = host.BaseUrl.ToString(), JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 800 } });
        var browser = new ConsoleBrowser(context, await context.NewPageAsync());
        await browser.Page.GotoAsync(path);
        await browser.Page.Locator("input[name=key]").FillAsync(PanelHost.OperatorKey);
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await browser.Page.WaitForURLAsync($"**{path}");
        return browser;
    }

    private static JsonObject OpenedEmail(string contactId, string email) => new()
    {
        ["id"] = Build.Id("evt"),
        ["type"] = "email.opened",
        ["occurredAt"] = "2026-11-29T10:15:00Z",
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = email, ["firstName"] = "Greta", ["lastName"] = "Holm" },
    };

    private static DeadLetter Letter(string tenant, string contactId, string errorType)
    {
        var trigger = Build.Trigger(TriggerType.EmailOpened, contactId, Build.Email(), id: $"evt-{contactId}");
        return DeadLetterDecisions.Of(new TriggerEnvelope(tenant, trigger, DateTimeOffset.UtcNow), ContactKey.Of(tenant, contactId), errorType, $"{errorType} for {contactId}", DateTimeOffset.UtcNow);
    }

    /// <summary>A signed-in console page; what the browser complained of (a refused script or style) is kept.</summary>
    private sealed class ConsoleBrowser : IAsyncDisposable
    {
        private readonly IBrowserContext _context;

        public ConsoleBrowser(IBrowserContext context, IPage page)
        {
            _context = context;
            Page = page;
            page.Console += (_, message) =>
            {
                // A failed load is the page's own answer (a refused favicon, a 404 the test asked for); a refused script or style is not.
                if (message.Type is "error" or "warning" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                {
                    Problems.Add(message.Text);
                }
            };
        }

        public IPage Page { get; }

        public List<string> Problems { get; } = [];

        public async ValueTask DisposeAsync() => await _context.DisposeAsync();
    }
}
