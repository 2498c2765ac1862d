using System.Diagnostics;
using Relay.Triggers;

namespace Relay.Benchmarks.Load;

/// <summary>The "million" scenario: many distinct contacts, one trigger each, with idle grains collected.</summary>
internal static class DistinctContactsScenario
{
    /// <summary>
    /// <see cref="LoadOptions.DistinctContacts"/> contacts, one trigger each, through a host of its own whose idle
    /// grains are collected after 30 s: whether activations stay bounded while the contacts keep coming, and what
    /// each contact costs once its grain is gone (its stored state, which embedded storage keeps in this heap).
    /// </summary>
    public static async Task RunAsync(LoadOptions o, List<(string, string, double, string)> report)
    {
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string?> { ["Relay:Orleans:CollectionAge"] = "00:00:30" });
        using var meters = new RelayMeters();
        const string tenant = "load-million";
        await host.CreateTenantAsync(tenant, s => s with { LookUpNewContacts = false });
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        var memoryBefore = LoadSupport.SettledMemory();
        var peakActivations = 0;
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var activations = await management.GetTotalActivationCount();
                peakActivations = Math.Max(peakActivations, activations);
                Console.WriteLine($"distinct contacts: {meters.Count("relay.triggers.processed")} processed, {activations} activations, {GC.GetTotalMemory(false) / 1048576} MB heap, {clock.Elapsed.TotalSeconds:0} s");
                await Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        });
        const int chunk = 50_000;
        for (var start = 0; start < o.DistinctContacts; start += chunk)
        {
            var count = Math.Min(chunk, o.DistinctContacts - start);
            var first = start;
            await LoadSupport.PostAllAsync(host, tenant, LoadSupport.Batches(count, count, i => (TriggerType.EmailOpened, $"d-{first + i}", $"d-{first + i}@load.example")), rate: 0);
        }

        await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.triggers.processed") >= o.DistinctContacts), "every distinct contact's trigger", TimeSpan.FromMinutes(60));
        var seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        var activationsAtEnd = await management.GetTotalActivationCount();
        var memoryAfter = LoadSupport.SettledMemory();
        report.Add(("distinct contacts", "contacts, one trigger each", o.DistinctContacts, "count"));
        report.Add(("distinct contacts", "ingest → timeline", o.DistinctContacts / seconds, "triggers/s"));
        report.Add(("distinct contacts", "batches answered 503 (queues full) and sent again", host.Refused, "count"));
        report.Add(("distinct contacts", "peak grain activations (sampled every 10 s)", peakActivations, "count"));
        report.Add(("distinct contacts", "grain activations at the end", activationsAtEnd, "count"));
        report.Add(("distinct contacts", "managed heap growth per contact (stored state and what is still active)", (memoryAfter - memoryBefore) / (double)o.DistinctContacts, "bytes"));
    }
}
