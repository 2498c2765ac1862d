using System.Diagnostics;
using Relay.Triggers;

namespace Relay.Benchmarks.Load;

/// <summary>The "timeline" scenario: triggers no automation acts on, ingest → stream → contact grain → timeline.</summary>
internal static class TimelineScenario
{
    /// <summary>Triggers no automation acts on: ingest → stream → contact grain → timeline.</summary>
    public static async Task RunAsync(BenchHost host, RelayMeters meters, LoadOptions o, List<(string, string, double, string)> report, string tenant)
    {
        await host.CreateTenantAsync(tenant, s => s with { LookUpNewContacts = false });
        var before = meters.Count("relay.triggers.processed");
        var batches = LoadSupport.Batches(o.Triggers, o.Contacts, i => (TriggerType.EmailOpened, $"t-{i % o.Contacts}", $"t-{i % o.Contacts}@load.example"));
        var gcBefore = LoadSupport.GcCounts();
        var cost = ProcessCost.Now();
        var clock = Stopwatch.StartNew();
        var accepted = await LoadSupport.PostAllAsync(host, tenant, batches, rate: 0);
        await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.triggers.processed") - before >= o.Triggers), "every trigger on its timeline");
        var seconds = clock.Elapsed.TotalSeconds;
        report.Add(("timeline only", "triggers", o.Triggers, "count"));
        report.Add(("timeline only", "contacts", o.Contacts, "count"));
        report.Add(("timeline only", "ingest accepted/s", o.Triggers / accepted.TotalSeconds, "triggers/s"));
        report.Add(("timeline only", "ingest → timeline", o.Triggers / seconds, "triggers/s"));
        cost.AddPer(report, "timeline only", o.Triggers, "trigger");
        LoadSupport.AddGc(report, "timeline only", gcBefore);
        Console.WriteLine($"timeline only: {o.Triggers / seconds:0} triggers/s");
    }
}
