using Microsoft.Playwright;

namespace Relay.Tests.Panels;

/// <summary>
/// The lead page's approval in real Chromium: the company SuperOffice has already is proposed and linked, and the fields
/// sales correct are what SuperOffice gets. The screenshot is saved as <c>TestResults/panels/lead-approve.png</c>.
/// </summary>
public sealed class LeadApprovalBrowserTests(PanelHost host, ChromiumFixture chromium) : IClassFixture<PanelHost>, IClassFixture<ChromiumFixture>
{
    private const string DemoTicket = NetServerEmulator.Data.DemoSeed.Ticket;

    private EmulatorTestCrm Crm => new(host.Emulator);

    [Fact]
    public async Task Sales_approve_a_lead_into_the_company_SuperOffice_has_with_corrected_fields()
    {
        var word = "Fjord" + Guid.NewGuid().ToString("N")[..6];
        var existing = host.Emulator.Store.AddCompany($"{word} Analytics AS", 103, orgNr: "998877665").CompanyId;
        var contactId = "pa-" + Guid.NewGuid().ToString("N")[..8];
        var email = Build.Email();
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, email, "Petra", "Lnid", $"{word.ToUpperInvariant()} ANALYTICS"));
        await host.WaitForLeadAsync(host.Tenant, contactId);
        await using var panel = await EmbeddedPanel.OpenAsync(chromium.Browser, host.PanelUrl(host.Tenant, $"leads/{contactId}", DemoTicket));

        var form = panel.Frame.GetByRole(AriaRole.Form, new() { Name = "Approve" });
        await Assertions.Expect(form).ToContainTextAsync("This company is in SuperOffice already");
        await Assertions.Expect(form.Locator($"input[value='existing:{existing}']")).ToBeCheckedAsync();
        await form.GetByLabel("Last name").FillAsync("Lind");
        await form.GetByLabel("Title").FillAsync("Head of Data");
        await form.GetByLabel("Country").SelectOptionAsync("Norway");
        await panel.ScreenshotAsync("lead-approve");
        await form.GetByRole(AriaRole.Button, new() { Name = "Approve: create in SuperOffice" }).ClickAsync();
        await Assertions.Expect(panel.Frame.Locator(".message")).ToContainTextAsync("Created Petra Lind in SuperOffice");

        var person = Crm.PersonsWithEmail(email).ShouldHaveSingleItem();
        person.ShouldBe(person with { FirstName = "Petra", LastName = "Lind", Title = "Head of Data", CompanyId = existing });
        host.Emulator.Store.Read(s => s.Companies.Values.Count(c => c.Name.Contains(word, StringComparison.OrdinalIgnoreCase))).ShouldBe(1);
        panel.Dialogs.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_invalid_correction_is_shown_on_the_page_and_nothing_is_created()
    {
        var contactId = "pb-" + Guid.NewGuid().ToString("N")[..8];
        var email = Build.Email();
        await host.SendAsync(host.Tenant, PanelHost.FormTrigger(contactId, email, "Ola", "Nordmann", "Nordmann " + Guid.NewGuid().ToString("N")[..6]));
        await host.WaitForLeadAsync(host.Tenant, contactId);
        await using var panel = await EmbeddedPanel.OpenAsync(chromium.Browser, host.PanelUrl(host.Tenant, $"leads/{contactId}", DemoTicket));

        var form = panel.Frame.GetByRole(AriaRole.Form, new() { Name = "Approve" });
        await form.GetByLabel("E-mail").FillAsync("not an address");
        await form.GetByRole(AriaRole.Button, new() { Name = "Approve: create in SuperOffice" }).ClickAsync();

        await Assertions.Expect(panel.Frame.Locator(".message")).ToContainTextAsync("Not approved: email:");
        Crm.PersonsWithEmail(email).ShouldBeEmpty();
    }
}
