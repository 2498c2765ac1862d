using System.Diagnostics;
using Relay.Automations;
using Relay.Triggers;

namespace Relay.Benchmarks.Load;

/// <summary>The "crm" scenario: every trigger creates a sale for its existing person in the emulator.</summary>
internal static class CrmScenario
{
    /// <summary>The automation of the CRM scenarios: one sale for every form submitted.</summary>
    public static readonly Automation SalePerForm =
        new("sale", "Sale per form", new AutomationMatch(TriggerType.FormSubmitted), [new CreateSaleAction("Load", 1, null, 10, ActionOwner.Associate(102))]);


    /// <summary>
    /// Every trigger creates a sale for its (existing) person, the tenant speaking <paramref name="protocol"/> to the
    /// emulator; returns the triggers/s processed.
    /// </summary>
    public static async Task<double> RunAsync(
        BenchHost host, RelayMeters meters, LoadOptions o, List<(string, string, double, string)> report, double rate, string scenario, Relay.Crm.CrmProtocol protocol = Relay.Crm.CrmProtocol.Soap)
    {
        // One tenant for every run (per protocol), as for the bare client: a tenant has its own connection pool, and a
        // new one per run would leave hundreds of idle connections (and file descriptors) behind each warm-up round.
        var tenant = protocol == Relay.Crm.CrmProtocol.Rest ? "load-crm-rest" : "load-crm";
        var run = $"crm-{Guid.NewGuid():N}"[..16];
        LoadSupport.SetLatency(host, o.CrmLatencyMs);
        var emails = LoadSupport.SeedPersons(host, run, o.CrmContacts);
        await host.CreateTenantAsync(
            tenant,
            s => s with { CrmCallsPerSecond = Relay.Tenants.TenantSettings.MaxCrmCallsPerSecond, Crm = s.Crm with { Protocol = protocol } },
            SalePerForm);
        var calls = meters.Count("relay.crm.calls");
        var committed = meters.Count("relay.actions", "outcome", "succeeded");
        meters.ClearLags();
        // Paced runs post a twentieth of a second's worth at a time, as a steady producer would: 500-trigger
        // bursts at a low rate would measure the burst, not the pipeline.
        var batchSize = rate > 0 ? Math.Max(1, (int)(rate / 20)) : 500;
        var batches = LoadSupport.Batches(o.CrmTriggers, o.CrmContacts, i => (TriggerType.FormSubmitted, $"{run}-{i % o.CrmContacts}", emails[i % o.CrmContacts]), batchSize);
        var gcBefore = LoadSupport.GcCounts();
        var cost = ProcessCost.Now();
        var requestsBefore = host.Emulator.Requests.Total;
        var clock = Stopwatch.StartNew();
        await LoadSupport.PostAllAsync(host, tenant, batches, rate);
        var progress = Stopwatch.StartNew();
        await BenchHost.WaitAsync(
            () =>
            {
                if (progress.Elapsed > TimeSpan.FromSeconds(10))
                {
                    progress.Restart();
                    Console.WriteLine($"{scenario}: {meters.Count("relay.actions", "outcome", "succeeded") - committed} committed, {meters.Count("relay.actions", "outcome", "retry")} retries, {meters.Count("relay.actions", "outcome", "parked")} parked so far");
                }

                return Task.FromResult(meters.Count("relay.actions", "outcome", "succeeded") - committed >= o.CrmTriggers);
            },
            "every sale committed",
            TimeSpan.FromMinutes(20));
        var seconds = clock.Elapsed.TotalSeconds;
        var lags = meters.Lags();
        var perSecond = o.CrmTriggers / seconds;
        report.Add((scenario, "triggers (one sale each)", o.CrmTriggers, "count"));
        report.Add((scenario, "contacts (concurrency)", o.CrmContacts, "count"));
        report.Add((scenario, "target rate", rate, rate == 0 ? "flat out" : "triggers/s"));
        report.Add((scenario, "triggers processed/s", perSecond, "triggers/s"));
        report.Add((scenario, "CRM calls/s", (meters.Count("relay.crm.calls") - calls) / seconds, "calls/s"));
        report.Add((scenario, protocol == Relay.Crm.CrmProtocol.Rest ? "REST requests the emulator answered/s" : "SOAP requests the emulator answered/s", (host.Emulator.Requests.Total - requestsBefore) / seconds, "requests/s"));
        cost.AddPer(report, scenario, o.CrmTriggers, "trigger");
        report.Add((scenario, "p50 ingest → CRM commit", LoadSupport.Percentile(lags, 0.50) * 1000, "ms"));
        report.Add((scenario, "p95 ingest → CRM commit", LoadSupport.Percentile(lags, 0.95) * 1000, "ms"));
        report.Add((scenario, "p99 ingest → CRM commit", LoadSupport.Percentile(lags, 0.99) * 1000, "ms"));
        LoadSupport.AddGc(report, scenario, gcBefore);
        Console.WriteLine($"{scenario}: {perSecond:0} triggers/s, p99 {LoadSupport.Percentile(lags, 0.99) * 1000:0} ms");
        return perSecond;
    }
}
