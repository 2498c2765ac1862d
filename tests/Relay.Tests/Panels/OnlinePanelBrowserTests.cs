using Microsoft.Playwright;

namespace Relay.Tests.Panels;

/// <summary>
/// An Online tenant's Lead Report in real Chromium, inside the cross-site iframe of a fake SuperOffice page: the user
/// signs in with SuperID in a pop-up, the pop-up closes and the panel shows. Screenshots go with the other panels'.
/// </summary>
public sealed class OnlinePanelBrowserTests(OnlinePanelHost host, ChromiumFixture chromium) : IClassFixture<OnlinePanelHost>, IClassFixture<ChromiumFixture>
{
    private EmulatorTestCrm Crm => new(host.Emulator);

    [Fact]
    public async Task Signing_in_with_superoffice_in_a_pop_up_shows_the_online_lead_report_and_approving_creates_the_person()
    {
        var contactId = "online-" + Guid.NewGuid().ToString("N")[..8];
        var email = Build.Email();
        await host.SendAsync(host.OnlineTenant, PanelHost.FormTrigger(contactId, email, "Olle", "Online", "Online Konsult AB"));
        await host.WaitForLeadAsync(host.OnlineTenant, contactId);
        await using var panel = await EmbeddedPanel.OpenAsync(chromium.Browser, host.OnlinePanelUrl("leads"));
        var signIn = panel.Frame.GetByRole(AriaRole.Button, new() { Name = "Sign in with SuperOffice" });
        await Assertions.Expect(signIn).ToBeVisibleAsync();
        panel.PanelStatuses.ShouldContain(401);
        await panel.ScreenshotAsync("online-sign-in");

        var popup = await panel.Page.RunAndWaitForPopupAsync(() => signIn.ClickAsync());
        await popup.Locator("input[name=username]").FillAsync("demo");
        await popup.Locator("input[name=password]").FillAsync("demo");
        await popup.ScreenshotAsync(new() { Path = Path.Combine(ChromiumFixture.ScreenshotFolder, "online-superid-pop-up.png") });
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        popup.Close += (_, _) => closed.TrySetResult();
        await popup.Locator("#superid-submit").ClickAsync();
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var row = panel.Frame.Locator($"tr[data-contact='{contactId}']");
        await Assertions.Expect(row).ToContainTextAsync("Olle Online");
        await Assertions.Expect(panel.Frame.Locator("header")).ToContainTextAsync("Demo User");
        await panel.ScreenshotAsync("online-lead-report");
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(panel.Frame.Locator(".message")).ToContainTextAsync("Created Olle Online in SuperOffice");
        await panel.ScreenshotAsync("online-lead-approved");

        var person = Crm.PersonsWithEmail(email).ShouldHaveSingleItem();
        (person.FirstName, person.LastName, person.CompanyName).ShouldBe(("Olle", "Online", "Online Konsult AB"));
        var calls = host.Emulator.Requests.Snapshot().Where(r => r.RequestEnvelope.Contains(email, StringComparison.Ordinal)).ToList();
        calls.ShouldNotBeEmpty();
        calls.ShouldAllBe(r => r.Path.StartsWith($"/{OnlinePanelHost.ContextIdentifier}/Remote/Services88/", StringComparison.Ordinal));
        panel.Dialogs.ShouldBeEmpty();
    }
}
