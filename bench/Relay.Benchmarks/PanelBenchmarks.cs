using System.Net;
using BenchmarkDotNet.Attributes;
using Relay.Automations;
using Relay.Contacts;
using Relay.Crm;
using Relay.Events;
using Relay.Leads;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Benchmarks;

/// <summary>
/// The time of each panel's GET, measured from a client on loopback against the real web host (co-hosted
/// silo, NetServer emulator) holding 10,000 leads and a person with 5,000 timeline entries.
/// </summary>
[MemoryDiagnoser]
public class PanelGets
{
    private const string Tenant = "bench";
    private BenchHost _host = null!;
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
        _host = await BenchHost.StartAsync();
        var store = _host.Emulator.Store;
        var company = store.AddCompany("Timeline AB", 102);
        _companyId = company.CompanyId;
        _personId = store.AddPerson("Tina", "Line", "tina@timeline.example", company.CompanyId).PersonId;
        await _host.CreateTenantAsync(
            Tenant,
            s => s with { CrmCallsPerSecond = TenantSettings.MaxCrmCallsPerSecond, Panels = new PanelSettings("Cust12345", ["https://*.superoffice.com"], [1], [1], [1]) },
            new Automation("form", "Form", new AutomationMatch(TriggerType.FormSubmitted), [new CreateSaleAction("Bench", 1, null, 10, ActionOwner.Associate(102))]));
        await _host.SendAsync(Tenant, Enumerable.Range(0, Leads).Select(i => BenchHost.Trigger(TriggerType.FormSubmitted, $"lead-{i}", $"lead-{i}@nowhere.example")));
        await _host.SendAsync(Tenant, Enumerable.Range(0, TimelineEntries - 1).Select(_ => BenchHost.Trigger(TriggerType.EmailOpened, "tina", "tina@timeline.example"))
            .Append(BenchHost.Trigger(TriggerType.FormSubmitted, "tina", "tina@timeline.example")));
        var grains = _host.Grains;
        var tina = grains.GetGrain<IContactGrain>(ContactKey.Of(Tenant, "tina"));
        await BenchHost.WaitAsync(async () => (await LeadIndex.GetPageAsync(grains, Tenant, 0, 1)).Total == Leads, $"{Leads} leads");
        await BenchHost.WaitAsync(async () => await tina.GetViewAsync(0, 0) is { TimelineTotal: TimelineEntries, Outbox.IsEmpty: true, Link: not null }, "the person's timeline");
        _saleId = (await tina.GetViewAsync(0, 0))!.Outcomes.Single().CrmObjectId!.Value;
        await BenchHost.WaitAsync(async () => await grains.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(Tenant, CrmObjectKind.Sale, _saleId)).GetAsync() is not null, "the sale's event details");

        var login = await _host.Http.GetAsync($"/panels/{Tenant}/leads?uctx=Cust12345&usid=101&usec={Uri.EscapeDataString(DemoSeed.Ticket)}");
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        _host.Http.DefaultRequestHeaders.Add("Cookie", cookie[..cookie.IndexOf(';', StringComparison.Ordinal)]);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _host.DisposeAsync();

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
        using var response = await _host.Http.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK ? body.Length : throw new InvalidOperationException($"{path} answered {response.StatusCode}");
    }
}
