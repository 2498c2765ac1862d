using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Relay.Crm;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Panels;

/// <summary>
/// <c>app.event</c> triggers end to end in real Chromium: an automation waiting for one event name runs for it and not for
/// another, and the Timeline Report and Event details show the app's event name. Screenshot: <c>timeline-app-event</c>.
/// </summary>
public sealed class AppEventPanelTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    private const string DemoTicket = NetServerEmulator.Data.DemoSeed.Ticket;

    private EmulatorTestCrm Crm => new(host.Emulator);

    [Fact]
    public async Task An_app_event_runs_the_automation_waiting_for_its_name_and_the_Timeline_Report_and_Event_details_show_the_name()
    {
        (await host.Grains.GetGrain<ITenantGrain>(host.Tenant).PutAutomationsAsync(
        [
            new Automation("trial", "Trial started", new AutomationMatch(TriggerType.AppEvent, EventName: "trial.started"),
                [new CreateSaleAction("Trial follow-up", 500, null, 30, ActionOwner.Associate(102))]),
        ])).Errors.ShouldBeEmpty();
        var email = Build.Email();
        var personId = Crm.SeedPerson("Alva", "Appson", email, Crm.SeedCompany("Appson AB", 102));
        var contactId = "app-" + Guid.NewGuid().ToString("N")[..8];

        await host.SendAsync(host.Tenant, AppEvent(contactId, email, "trial.started", "2026-11-29T10:15:00Z"), AppEvent(contactId, email, "trial.ended", "2026-11-30T10:15:00Z"));

        var sale = (await Eventually.GetAsync(() => Task.FromResult(Crm.Sales(personId)), s => s.Count == 1, "the trial's sale to be created")).ShouldHaveSingleItem();
        sale.Heading.ShouldBe("Trial follow-up");
        var view = await Eventually.GetAsync(
            () => host.Grains.GetGrain<Relay.Contacts.IContactGrain>(Relay.Contacts.ContactKey.Of(host.Tenant, contactId)).GetViewAsync(0, 10),
            v => v is { TimelineTotal: 2 },
            "both app events on the contact's timeline");
        view!.Timeline.Select(e => (e.EventName, e.AutomationIds.Length)).ShouldBe([("trial.ended", 0), ("trial.started", 1)]);
        Crm.Sales(personId).Count.ShouldBe(1);

        await using var panel = await EmbeddedPanel.OpenAsync(chromium.Browser, host.PanelUrl(host.Tenant, "timeline", DemoTicket, extra: $"&atid={personId}"));
        var rows = panel.Frame.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("Used an app: trial.ended");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("Used an app: trial.started");
        await panel.ScreenshotAsync("timeline-app-event");

        await Eventually.GetAsync(
            () => host.Grains.GetGrain<Events.ICrmObjectGrain>(Events.CrmObjectKey.Of(host.Tenant, CrmObjectKind.Sale, sale.SaleId)).GetAsync(),
            d => d is not null,
            "the sale's event details to be recorded");
        await panel.GotoAsync(host.PanelUrl(host.Tenant, "event", DemoTicket, extra: $"&said={sale.SaleId}"));
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync("Used an app: trial.started");
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync("Trial started");
        await panel.ScreenshotAsync("event-details-app-event");
        panel.Dialogs.ShouldBeEmpty();
    }

    private static JsonObject AppEvent(string contactId, string email, string name, string occurredAt) => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "app.event",
        ["occurredAt"] = occurredAt,
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = email, ["firstName"] = "Alva", ["lastName"] = "Appson" },
        ["eventName"] = name,
        ["properties"] = new JsonObject { ["plan"] = "pro", ["seats"] = 5 },
    };
}
