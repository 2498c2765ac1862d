using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relay.Automations;
using Relay.Contacts;
using Relay.Crm;
using Relay.Events;
using Relay.Leads;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Triggers;
using Relay.Web.Hosting;

namespace Relay.Benchmarks;

/// <summary>
/// The time of each panel's GET, measured from a client on loopback against the real web host (co-hosted
/// silo, NetServer emulator) holding 10,000 leads and a person with 5,000 timeline entries.
/// </summary>
[MemoryDiagnoser]
public class PanelGets
{
    private const string Tenant = "bench";
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private int _personId;
    private int _companyId;
    private int _saleId;

    /// <summary>How many leads the tenant has.</summary>
    public const int Leads = 10_000;

    /// <summary>How many interactions the person has.</summary>
    public const int TimelineEntries = 5_000;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _app = RelayWebApp.Create(
            ["--urls", "http://127.0.0.1:0"],
            b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Relay:Orleans:SiloPort"] = FreePort(),
                ["Relay:Orleans:GatewayPort"] = FreePort(),
                ["Relay:Orleans:ClusterId"] = "bench-" + Guid.NewGuid().ToString("N")[..8],
                ["Relay:Crm:Mode"] = "NetServer",
                ["Relay:Emulator:Enabled"] = "true",
                ["Relay:Emulator:Port"] = "0",
                ["Relay:Demo:Enabled"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
            }),
            Path.Combine(RepoRoot(), "src", "Web"));
        await _app.StartAsync();
        var baseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var emulator = _app.Services.GetRequiredService<EmbeddedEmulator>().Running!;
        var grains = _app.Services.GetRequiredService<IGrainFactory>();
        var company = emulator.Store.AddCompany("Timeline AB", 102);
        _companyId = company.CompanyId;
        _personId = emulator.Store.AddPerson("Tina", "Line", "tina@timeline.example", company.CompanyId).PersonId;
        var tenant = grains.GetGrain<ITenantGrain>(Tenant);
        await tenant.PutSettingsAsync(new TenantSettings(
            "Bench", new TenantCrmSettings(emulator.BaseUrl.ToString().TrimEnd('/'), "75", DemoSeed.UserName, DemoSeed.Password),
            Panels: new PanelSettings("Cust12345", ["https://*.superoffice.com"], [1], [1], [1])));
        await tenant.PutAutomationsAsync([new Automation("form", "Form", new AutomationMatch(TriggerType.FormSubmitted), [new CreateSaleAction("Bench", 1, null, 10, ActionOwner.Associate(102))])]);

        _http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        await SendAsync(Enumerable.Range(0, Leads).Select(i => Trigger(TriggerType.FormSubmitted, $"lead-{i}", $"lead-{i}@nowhere.example")));
        await SendAsync(Enumerable.Range(0, TimelineEntries - 1).Select(i => Trigger(TriggerType.EmailOpened, "tina", "tina@timeline.example")).Append(Trigger(TriggerType.FormSubmitted, "tina", "tina@timeline.example")));
        await WaitAsync(async () => (await grains.GetGrain<ILeadIndexGrain>(Tenant).GetPageAsync(0, 1)).Total == Leads);
        await WaitAsync(async () => await grains.GetGrain<IContactGrain>(ContactKey.Of(Tenant, "tina")).GetViewAsync(0, 0) is { TimelineTotal: TimelineEntries, Outbox.IsEmpty: true, Link: not null });
        _saleId = (await grains.GetGrain<IContactGrain>(ContactKey.Of(Tenant, "tina")).GetViewAsync(0, 0))!.Outcomes.Single().CrmObjectId!.Value;
        await WaitAsync(async () => await grains.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(Tenant, CrmObjectKind.Sale, _saleId)).GetAsync() is not null);

        var login = await _http.GetAsync($"/panels/{Tenant}/leads?uctx=Cust12345&usid=101&usec={Uri.EscapeDataString(DemoSeed.Ticket)}");
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        _http.DefaultRequestHeaders.Add("Cookie", cookie[..cookie.IndexOf(';', StringComparison.Ordinal)]);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Benchmark]
    public Task<int> LeadReport() => GetAsync($"/panels/{Tenant}/leads");

    [Benchmark]
    public Task<int> TimelineOfPerson() => GetAsync($"/panels/{Tenant}/timeline?atid={_personId}");

    [Benchmark]
    public Task<int> TimelineOfCompany() => GetAsync($"/panels/{Tenant}/timeline?cuid={_companyId}");

    [Benchmark]
    public Task<int> EventDetails() => GetAsync($"/panels/{Tenant}/event?said={_saleId}");

    private async Task<int> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK ? body.Length : throw new InvalidOperationException($"{path} answered {response.StatusCode}");
    }

    private async Task SendAsync(IEnumerable<JsonObject> triggers)
    {
        foreach (var batch in triggers.Chunk(1000))
        {
            using var response = await _http.PostAsJsonAsync($"/api/tenants/{Tenant}/triggers", new JsonArray([.. batch]));
            response.EnsureSuccessStatusCode();
        }
    }

    private static JsonObject Trigger(TriggerType type, string contactId, string email) => new()
    {
        ["id"] = Guid.NewGuid().ToString("N"),
        ["type"] = type.ToName(),
        ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = email, ["firstName"] = "Bench", ["lastName"] = contactId },
        ["content"] = new JsonObject { ["id"] = "mail-1", ["name"] = "Newsletter" },
        ["form"] = type == TriggerType.FormSubmitted ? new JsonObject { ["id"] = "f" } : null,
    };

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        var until = DateTime.UtcNow.AddMinutes(10);
        while (!await done())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The benchmark data did not settle in 10 minutes.");
            }

            await Task.Delay(200);
        }
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
