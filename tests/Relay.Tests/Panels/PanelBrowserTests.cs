using System.Net;
using Microsoft.Playwright;
using Relay.Crm;

namespace Relay.Tests.Panels;

/// <summary>
/// The panels in real Chromium, embedded in an iframe of a page on another site, as SuperOffice does.
/// Screenshots of each panel are saved under <c>tests/Relay.Tests/TestResults/panels</c>.
/// </summary>
public sealed class PanelBrowserTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    private const string DemoTicket = NetServerEmulator.Data.DemoSeed.Ticket;

    private EmulatorTestCrm Crm => new(host.Emulator);

    [Fact]
    public async Task Approving_a_lead_creates_person_company_and_sale_and_the_timeline_and_event_details_show_them()
    {
        var contactId = "pw-" + Guid.NewGuid().ToString("N")[..8];
        var email = Build.Email();
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, email, "Petra", "Lind", "Lind Konsult AB"));
        await host.WaitForLeadAsync(host.Tenant, contactId);
        await using var panel = await OpenAsync(host.PanelUrl(host.Tenant, "leads", DemoTicket));

        var row = panel.Frame.Locator($"tr[data-contact='{contactId}']");
        await Assertions.Expect(row).ToContainTextAsync("Petra Lind");
        await Assertions.Expect(row).ToContainTextAsync("New in SuperOffice");
        await panel.ScreenshotAsync("lead-report");
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(panel.Frame.Locator(".message")).ToContainTextAsync("Created Petra Lind in SuperOffice");

        var person = Crm.PersonsWithEmail(email).ShouldHaveSingleItem();
        person.ShouldBe(person with { FirstName = "Petra", LastName = "Lind", Title = "CTO", Phone = "+46 8 555 01", Mobile = "+46 70 555 01", CompanyName = "Lind Konsult AB" });
        Crm.Company(person.CompanyId!.Value).ShouldBe(new TestCompany(person.CompanyId.Value, "Lind Konsult AB", "SE", "Prospect", "Software"));
        var sale = await Eventually.GetAsync(() => Task.FromResult(Crm.Sales(person.PersonId)), s => s.Count == 1, "the waiting sale to be created");
        sale[0].Heading.ShouldBe("Demo request");

        await panel.GotoAsync(host.PanelUrl(host.Tenant, "timeline", DemoTicket, extra: $"&atid={person.PersonId}"));
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync("Submitted a form");
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync("Demo request page");
        await panel.ScreenshotAsync("timeline-report");

        await Eventually.GetAsync(
            () => host.Grains.GetGrain<Events.ICrmObjectGrain>(Events.CrmObjectKey.Of(host.Tenant, CrmObjectKind.Sale, sale[0].SaleId)).GetAsync(),
            d => d is not null,
            "the sale's event details to be recorded");
        await panel.GotoAsync(host.PanelUrl(host.Tenant, "event", DemoTicket, extra: $"&said={sale[0].SaleId}"));
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync("Created by Relay from a marketing interaction");
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync("Demo request page");
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync(contactId);
        await panel.ScreenshotAsync("event-details");
        panel.Dialogs.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_user_whose_group_is_not_allowed_sees_a_403_page_and_no_data()
    {
        var marketing = host.Emulator.Store.IssueTicket(104).Ticket;
        await using var panel = await OpenAsync(host.PanelUrl(host.Tenant, "leads", marketing, userId: 104));

        await Assertions.Expect(panel.Frame.Locator("h1")).ToHaveTextAsync("This panel is not for your user group");
        panel.PanelStatuses.ShouldContain(403);
        (await panel.Frame.Locator("table").CountAsync()).ShouldBe(0);
        await panel.ScreenshotAsync("forbidden-403");

        await panel.GotoAsync(host.PanelUrl(host.Tenant, "timeline", marketing, userId: 104, extra: "&atid=1"));
        await Assertions.Expect(panel.Frame.Locator("body")).ToContainTextAsync("Timeline Report");
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("expired")]
    [InlineData("someone-else")]
    public async Task A_forged_expired_or_borrowed_ticket_sees_a_401_page(string kind)
    {
        var (ticket, user) = kind switch
        {
            "forged" => ("7T:Zm9yZ2VkLXRpY2tldA==", PanelHost.DemoUser),
            "expired" => (Expired(), PanelHost.DemoUser),
            _ => (DemoTicket, 102),
        };

        await using var panel = await OpenAsync(host.PanelUrl(host.Tenant, "leads", ticket, userId: user));

        await Assertions.Expect(panel.Frame.Locator("h1")).ToHaveTextAsync("Sign-in not confirmed");
        panel.PanelStatuses.ShouldContain(401);
        (await panel.Frame.Locator("table").CountAsync()).ShouldBe(0);
        await panel.ScreenshotAsync($"unauthorized-401-{kind}");
    }

    [Fact]
    public async Task A_contact_named_like_html_is_shown_as_text_and_no_dialog_opens()
    {
        var contactId = "xss-" + Guid.NewGuid().ToString("N")[..8];
        const string name = "<img src=x onerror=alert(1)>";
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, Build.Email(), name, "<script>alert(2)</script>", "<b onmouseover=alert(3)>Evil AB</b>"));
        await host.WaitForLeadAsync(host.Tenant, contactId);

        await using var panel = await OpenAsync(host.PanelUrl(host.Tenant, "leads", DemoTicket));
        var row = panel.Frame.Locator($"tr[data-contact='{contactId}']");
        await Assertions.Expect(row.Locator("a")).ToHaveTextAsync($"{name} <script>alert(2)</script>");
        (await row.Locator("img").CountAsync()).ShouldBe(0);
        await panel.ScreenshotAsync("hostile-names");
        await row.Locator("a").ClickAsync();
        await Assertions.Expect(panel.Frame.Locator("h1")).ToHaveTextAsync($"{name} <script>alert(2)</script>");

        (await panel.Frame.Locator("img, script:not([src])").CountAsync()).ShouldBe(0);
        panel.Dialogs.ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_approvals_of_one_lead_at_once_give_one_person_and_one_sale()
    {
        var contactId = "twice-" + Guid.NewGuid().ToString("N")[..8];
        var email = Build.Email();
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, email, "Double", "Click"));
        await host.WaitForLeadAsync(host.Tenant, contactId);
        await using var first = await OpenAsync(host.PanelUrl(host.Tenant, "leads", DemoTicket));
        await using var second = await OpenAsync(host.PanelUrl(host.Tenant, "leads", DemoTicket));
        var buttons = new[] { first, second }.Select(p => p.Frame.Locator($"tr[data-contact='{contactId}']").GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToArray();
        await Task.WhenAll(buttons.Select(b => Assertions.Expect(b).ToBeVisibleAsync()));

        await Task.WhenAll(buttons.Select(b => b.ClickAsync()));
        await Task.WhenAll(new[] { first, second }.Select(p => Assertions.Expect(p.Frame.Locator(".message")).ToBeVisibleAsync()));

        var person = Crm.PersonsWithEmail(email).ShouldHaveSingleItem();
        await Eventually.GetAsync(
            () => host.Grains.GetGrain<Relay.Contacts.IContactGrain>(Relay.Contacts.ContactKey.Of(host.Tenant, contactId)).GetViewAsync(0, 0),
            v => v is { Outbox.IsEmpty: true, Outcomes.Length: 2 },
            "the waiting sale and task to be created");
        Crm.Sales(person.PersonId).Count.ShouldBe(1);
        Crm.Appointments(person.PersonId).Count.ShouldBe(1);
        var messages = await Task.WhenAll(first.Frame.Locator(".message").TextContentAsync(), second.Frame.Locator(".message").TextContentAsync());
        messages.Count(m => m!.Contains("Already approved", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task A_sales_user_on_the_Lead_Report_sees_only_candidates_and_search_results_their_SuperOffice_rights_allow_and_cannot_link_a_hidden_person()
    {
        var surname = "Rights" + Guid.NewGuid().ToString("N")[..8];
        var shared = Build.Email();
        var visible = Crm.SeedPerson("Vera", surname, shared);
        var hidden = Crm.SeedPerson("Hanna", surname, shared);
        host.Emulator.Store.RestrictPerson(hidden, [2]).ShouldBeTrue();
        var contactId = "rights-" + Guid.NewGuid().ToString("N")[..8];
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, shared, "Rita", "Rights"));
        await host.WaitForLeadAsync(host.Tenant, contactId);
        var salesOnly = host.Emulator.Store.IssueTicket(102).Ticket;
        await using var panel = await OpenAsync(host.PanelUrl(host.Tenant, $"leads/{contactId}", salesOnly, userId: 102, extra: "&q=" + surname));

        var main = panel.Frame.Locator("main");
        await Assertions.Expect(main).ToContainTextAsync($"Vera {surname}");
        await Assertions.Expect(main).Not.ToContainTextAsync("Hanna");
        await Assertions.Expect(main).ToContainTextAsync("1 person(s) with this e-mail are not shown");

        // The form is changed to the hidden person's id, as by someone who guessed it.
        await panel.Frame.Locator($"input[name=personId][value='{visible}']").First.EvaluateAsync("(e, id) => e.value = id", hidden.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await panel.Frame.Locator("tr", new() { HasText = $"Vera {surname}" }).First.GetByRole(AriaRole.Button, new() { Name = "Link to this person" }).ClickAsync();

        await Assertions.Expect(panel.Frame.Locator(".message")).ToContainTextAsync($"You cannot link person {hidden}");
        (await host.Grains.GetGrain<Relay.Contacts.IContactGrain>(Relay.Contacts.ContactKey.Of(host.Tenant, contactId)).GetViewAsync(0, 0))!.Link.ShouldBeNull();
        await panel.GotoAsync(host.PanelUrl(host.Tenant, $"leads/{contactId}", DemoTicket, extra: "&q=" + surname));
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync($"Hanna {surname}");
    }

    private string Expired()
    {
        var ticket = host.Emulator.Store.IssueTicket(PanelHost.DemoUser).Ticket;
        host.Emulator.Store.ExpireTickets(ticket);
        return ticket;
    }

    private Task<EmbeddedPanel> OpenAsync(string panelUrl) => EmbeddedPanel.OpenAsync(chromium.Browser, panelUrl);
}
