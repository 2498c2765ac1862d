using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Relay.NetServerEmulator;
using Relay.Tests.Panels;
using Xunit.Abstractions;

namespace Relay.Cluster.Tests.Cluster;

/// <summary>
/// The production shape — a silo process with the Azure providers and the NetServer CRM, and the web host as a plain
/// Orleans client (<c>Relay:Web:CoHostSilo=false</c>) — with the panels used in Chromium as sales would use them
/// inside SuperOffice. The web host holds no CRM adapter: the ticket check and the person search run on the silo.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class ClientModePanelTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private const string Tenant = "client-panels";
    private const string Context = "Cust12345";
    private const int SalesUser = 101;

    [Fact]
    public async Task A_web_host_in_client_mode_signs_sales_in_searches_SuperOffice_and_approves_a_lead_through_the_silo()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await using var cluster = await ProcessCluster.StartAzuriteAsync(queueCount: 2);
        try
        {
            await cluster.StartSiloAsync();
            await cluster.StartWebAsync();
            await RunAsync(cluster, emulator);
        }
        catch
        {
            output.WriteLine(cluster.Tails());

            throw;
        }
    }

    private async Task RunAsync(ProcessCluster cluster, RunningEmulator emulator)
    {
        using var http = new HttpClient { BaseAddress = cluster.WebUrl, Timeout = TimeSpan.FromMinutes(1) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ProcessCluster.AdminKey);
        await CreateTenantAsync(http, emulator.BaseUrl);
        const string contactId = "client-lead-1";
        var email = $"nora.{Guid.NewGuid():N}@client-mode.example";
        (await http.PostAsJsonAsync($"/api/tenants/{Tenant}/triggers", new JsonArray(FormTrigger(contactId, email)))).StatusCode
            .ShouldBe(System.Net.HttpStatusCode.Accepted);
        await Eventually.GetAsync(
            () => http.GetFromJsonAsync<JsonObject>($"/api/tenants/{Tenant}/leads"),
            leads => leads!["items"]!.AsArray().Any(l => (string?)l!["contactId"] == contactId),
            $"{contactId} to be listed as a lead");
        var known = emulator.Store.Read(s => s.Persons.Values.First(p => p.Emails.Count > 0));

        var ticket = emulator.Store.IssueTicket(SalesUser).Ticket;
        await using var panel = await EmbeddedPanel.OpenAsync(
            chromium.Browser,
            $"{cluster.WebUrl.ToString().TrimEnd('/')}/panels/{Tenant}/leads?uctx={Context}&usid={SalesUser}&usec={Uri.EscapeDataString(ticket)}");
        var row = panel.Frame.Locator($"tr[data-contact='{contactId}']");
        await Assertions.Expect(row).ToContainTextAsync("Nora Client");
        await panel.ScreenshotAsync("client-mode-lead-report");

        await row.Locator("a").ClickAsync();
        await panel.Frame.GetByRole(AriaRole.Searchbox).FillAsync(known.Emails[0]);
        await panel.Frame.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(panel.Frame.Locator("main")).ToContainTextAsync(known.FullName);
        await panel.ScreenshotAsync("client-mode-lead-search");

        await panel.Frame.GetByRole(AriaRole.Button, new() { Name = "Approve: create in SuperOffice" }).ClickAsync();
        await Assertions.Expect(panel.Frame.Locator(".message")).ToContainTextAsync("Created Nora Client in SuperOffice");
        await panel.ScreenshotAsync("client-mode-lead-approved");

        var created = emulator.Store.Read(s => s.Persons.Values.Where(p => p.Emails.Contains(email)).ToList()).ShouldHaveSingleItem();
        created.FullName.ShouldBe("Nora Client");
        await Eventually.ThatAsync(
            () => emulator.Store.Read(s => s.Sales.Values.Count(x => x.PersonId == created.PersonId)) == 1,
            "the waiting sale to be created for the approved person");
        panel.PanelStatuses.ShouldNotContain(503);
        panel.Dialogs.ShouldBeEmpty();
    }

    private static async Task CreateTenantAsync(HttpClient http, Uri crm)
    {
        var settings = new
        {
            displayName = "Client-mode panels",
            crm = new { baseUrl = crm.ToString().TrimEnd('/'), userName = "demo", password = "demo" },
            defaultOwnerAssociateId = 102,
            createCompanyOnApprove = true,
            panels = new { contextIdentifier = Context, frameAncestors = new[] { EmbeddedPanel.SuperOfficeOrigin }, leadReportGroups = new[] { 1 }, timelineGroups = new[] { 1 }, eventDetailsGroups = new[] { 1 } },
        };
        (await http.PutAsJsonAsync($"/api/admin/tenants/{Tenant}", settings)).EnsureSuccessStatusCode();
        var automations = JsonNode.Parse("""
            [{"id":"demo-form","name":"Demo request","when":{"type":"form.submitted"},"runPolicy":"everyTime",
              "actions":[{"type":"createSale","heading":"Demo request","amount":900,"probability":25,"owner":{"kind":"associate","associateId":102}}]}]
            """);
        (await http.PutAsJsonAsync($"/api/admin/tenants/{Tenant}/automations", automations)).EnsureSuccessStatusCode();
    }

    private static JsonObject FormTrigger(string contactId, string email) => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "form.submitted",
        ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O"),
        ["contact"] = new JsonObject
        {
            ["id"] = contactId, ["email"] = email, ["firstName"] = "Nora", ["lastName"] = "Client",
            ["company"] = new JsonObject { ["name"] = "Client Mode AB", ["country"] = "SE" },
        },
        ["content"] = new JsonObject { ["id"] = "form-page", ["name"] = "Demo request page" },
        ["form"] = new JsonObject { ["id"] = "form-demo", ["fields"] = new JsonObject { ["message"] = "Call me" } },
    };
}
