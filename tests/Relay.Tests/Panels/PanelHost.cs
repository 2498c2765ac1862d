using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Web.Hosting;

namespace Relay.Tests.Panels;

/// <summary>
/// The real web host on a real port (Kestrel, co-hosted silo, embedded NetServer emulator), with a
/// tenant whose panels are set up the way a SuperOffice admin would: context <c>Cust12345</c>, embedded
/// by <see cref="SuperOfficeOrigin"/>; the Sales group (1) sees every panel, Marketing (2) only the timeline.
/// A subclass may add settings (<see cref="Settings"/>).
/// </summary>
public class PanelHost : IAsyncLifetime
{
    /// <summary>The origin of the fake SuperOffice page that embeds the panels.</summary>
    public const string SuperOfficeOrigin = EmbeddedPanel.SuperOfficeOrigin;

    /// <summary>The emulator's demo user: associate 101, groups Sales and Marketing.</summary>
    public const int DemoUser = 101;

    /// <summary>The operator key the host is configured with.</summary>
    public const string OperatorKey = "panel-test-key";

    private WebApplication _app = null!;

    /// <summary>The web host's base URL.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The tenant whose panels are under test.</summary>
    public string Tenant { get; } = "panels-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A second tenant, for isolation tests.</summary>
    public string OtherTenant { get; } = "other-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The NetServer emulator serving both tenants.</summary>
    public RunningEmulator Emulator => _app.Services.GetRequiredService<EmbeddedEmulator>().Running!;

    /// <summary>Grains of the co-hosted silo.</summary>
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <summary>How the tenants reach the emulator: SOAP unless a variant says otherwise.</summary>
    protected virtual Relay.Crm.CrmProtocol Protocol => Relay.Crm.CrmProtocol.Soap;

    /// <summary>Settings on top of the host's, for variants of the host.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        _app = RelayWebApp.Create(
            ["--urls", "http://127.0.0.1:0"],
            b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Relay:Orleans:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Relay:Orleans:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                ["Relay:Orleans:ClusterId"] = "panels-" + Guid.NewGuid().ToString("N")[..8],
                ["Relay:Crm:Mode"] = "NetServer",
                ["Relay:Emulator:Enabled"] = "true",
                ["Relay:Emulator:Port"] = "0",
                ["Relay:Demo:Enabled"] = "false",
                ["Relay:Operator:ApiKey"] = OperatorKey,
                ["Logging:LogLevel:Default"] = "Warning",
            }).AddInMemoryCollection(Settings),
            Path.Combine(Web.RepoRoot.Find(), "src", "Web"));
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        foreach (var tenant in new[] { Tenant, OtherTenant })
        {
            var crm = new TenantCrmSettings(Emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password, Protocol: Protocol);
            await SetUpTenantAsync(tenant, crm);
        }

        await OnStartedAsync();
    }

    /// <summary>The web host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>What a variant of the host sets up once it runs.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    /// <summary>Creates a tenant with the panel settings and the automation the panel tests expect.</summary>
    protected async Task SetUpTenantAsync(string tenant, TenantCrmSettings crm)
    {
        var panels = new PanelSettings("Cust12345", [SuperOfficeOrigin], [1], [1, 2], [1]);
        var grain = Grains.GetGrain<ITenantGrain>(tenant);
        (await grain.PutSettingsAsync(new TenantSettings("Panels", crm, DefaultOwnerAssociateId: 102, CreateCompanyOnApprove: true, Panels: panels))).Errors.ShouldBeEmpty();
        (await grain.PutAutomationsAsync(
        [
            new Automation("demo-form", "Demo request", new AutomationMatch(Relay.Triggers.TriggerType.FormSubmitted),
                [new CreateSaleAction("Demo request", 900, null, 25, ActionOwner.Associate(102)), new CreateTaskAction(null, "Call back", 1, ActionOwner.Associate(102))]),
        ])).Errors.ShouldBeEmpty();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A panel URL as SuperOffice builds it from its template, for the given user's ticket.</summary>
    public string PanelUrl(string tenant, string panel, string ticket, int userId = DemoUser, string extra = "") =>
        $"{BaseUrl.ToString().TrimEnd('/')}/panels/{tenant}/{panel}?uctx=Cust12345&usid={userId}&usec={Uri.EscapeDataString(ticket)}{extra}";

    /// <summary>Posts triggers through the ingest API and checks they were accepted.</summary>
    public async Task SendAsync(string tenant, params JsonObject[] triggers)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", OperatorKey);
        var response = await http.PostAsJsonAsync($"/api/tenants/{tenant}/triggers", new JsonArray([.. triggers]));
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A form submission from a contact SuperOffice does not know.</summary>
    public static JsonObject FormTrigger(string contactId, string email, string firstName, string lastName = "Lead", string company = "Lead Company AB") => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "form.submitted",
        ["occurredAt"] = "2026-11-29T10:15:00Z",
        ["contact"] = new JsonObject
        {
            ["id"] = contactId, ["email"] = email, ["firstName"] = firstName, ["lastName"] = lastName, ["title"] = "CTO",
            ["phone"] = "+46 8 555 01", ["mobile"] = "+46 70 555 01",
            ["company"] = new JsonObject { ["name"] = company, ["country"] = "SE", ["category"] = "Prospect", ["industry"] = "Software" },
        },
        ["content"] = new JsonObject { ["id"] = "form-page", ["name"] = "Demo request page" },
        ["form"] = new JsonObject { ["id"] = "form-demo", ["fields"] = new JsonObject { ["message"] = "Call me" } },
    };

    /// <summary>How many NetServer logins were made with a user name (a ticket, for ticket checks) containing <paramref name="marker"/>.</summary>
    public int LoginsWith(string marker) =>
        Emulator.Requests.Snapshot().Count(r => r.Operation == "AuthenticateUsernamePassword" && r.RequestEnvelope.Contains(marker, StringComparison.Ordinal));

    /// <summary>Waits for the contact to be a lead in the tenant's index.</summary>
    public Task WaitForLeadAsync(string tenant, string contactId) =>
        Eventually.GetAsync(
            () => Relay.Leads.LeadIndex.GetPageAsync(Grains, tenant, 0, 500),
            p => p.Items.Any(r => r.ContactId == contactId),
            $"{contactId} to be listed as a lead of {tenant}");
}

/// <summary>The same host with tenants that speak NetServer's REST web API: the panels' ticket check is <c>User/currentPrincipal</c>.</summary>
public sealed class RestPanelHost : PanelHost
{
    protected override Relay.Crm.CrmProtocol Protocol => Relay.Crm.CrmProtocol.Rest;
}
