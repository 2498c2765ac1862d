using System.Diagnostics;
using Relay.Triggers;

namespace Relay.Benchmarks.Load;

/// <summary>The "pipeline" scenario: the CRM scenario against the in-memory CRM, Relay's own ceiling.</summary>
internal static class PipelineScenario
{
    /// <summary>
    /// The CRM scenario flat out against the in-memory CRM, in a host of its own: Relay's own ceiling for
    /// actions when the CRM costs nothing, and its CPU per action.
    /// </summary>
    public static async Task RunAsync(LoadOptions o, List<(string, string, double, string)> report)
    {
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string?> { ["Relay:Crm:Mode"] = "InMemory", ["Relay:Emulator:Enabled"] = "false" });
        using var meters = new RelayMeters();
        var round = 0;
        await LoadSupport.WarmUpAsync("pipeline", () => RoundAsync($"load-pipeline-warm-up-{++round}", o with { CrmTriggers = o.CrmTriggers / 4 }, []));
        await RoundAsync("load-pipeline", o, report);

        async Task RoundAsync(string tenant, LoadOptions o, List<(string, string, double, string)> report)
        {
            var crm = host.InMemoryCrm!;
            var company = crm.SeedCompany("Pipeline AB", 102);
            var emails = Enumerable.Range(0, o.CrmContacts).Select(i => $"{tenant}-{i}@crm.example").ToArray();
            foreach (var (email, i) in emails.Select((e, i) => (e, i)))
            {
                crm.SeedPerson("Load", $"Person {i}", email, company);
            }

            await host.CreateTenantAsync(tenant, null, CrmScenario.SalePerForm);
            var batches = LoadSupport.Batches(o.CrmTriggers, o.CrmContacts, i => (TriggerType.FormSubmitted, $"{tenant}-{i % o.CrmContacts}", emails[i % o.CrmContacts]));
            var committed = meters.Count("relay.actions", "outcome", "succeeded");
            meters.ClearLags();
            var cost = ProcessCost.Now();
            var clock = Stopwatch.StartNew();
            await LoadSupport.PostAllAsync(host, tenant, batches, rate: 0);
            await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.actions", "outcome", "succeeded") - committed >= o.CrmTriggers), "every sale committed", TimeSpan.FromMinutes(20));
            var seconds = clock.Elapsed.TotalSeconds;
            var lags = meters.Lags();
            report.Add(("in-memory CRM", "triggers (one sale each)", o.CrmTriggers, "count"));
            report.Add(("in-memory CRM", "triggers processed/s", o.CrmTriggers / seconds, "triggers/s"));
            report.Add(("in-memory CRM", "p99 ingest → CRM commit", LoadSupport.Percentile(lags, 0.99) * 1000, "ms"));
            cost.AddPer(report, "in-memory CRM", o.CrmTriggers, "trigger");
            Console.WriteLine($"in-memory CRM ({tenant}): {o.CrmTriggers / seconds:0} triggers/s");
        }
    }
}
