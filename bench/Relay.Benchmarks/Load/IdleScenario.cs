using System.Diagnostics;
using Relay.Triggers;

namespace Relay.Benchmarks.Load;

/// <summary>
/// The "idle" scenario, run last: what the process spends with nothing sent, every activation of the run still in
/// memory, topped up with idle contacts to <see cref="LoadOptions.IdleActivations"/> activations.
/// </summary>
internal static class IdleScenario
{
    /// <summary>How long the process is left alone before the measurement: the top-up's last writes and its GC are not idle work.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    /// <summary>The JIT is quiet once it compiles for under this share of a slice (0.2 %, 0.002 cores).</summary>
    private const double QuietJitShare = 0.002;

    /// <summary>At most a minute more for the JIT to quiet down.</summary>
    private const int MaxJitSettleSlices = 12;

    /// <summary>The slices the window is measured in, to show periodic work (timers, sampling) that an average hides.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(5);

    /// <summary>Activates contacts (one trigger each, no CRM look-up) up to the target, settles, then measures the process's CPU.</summary>
    public static async Task RunAsync(BenchHost host, RelayMeters meters, LoadOptions o, List<(string, string, double, string)> report)
    {
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        var topUp = Math.Max(0, o.IdleActivations - await management.GetTotalActivationCount());
        if (topUp > 0)
        {
            const string tenant = "load-idle";
            await host.CreateTenantAsync(tenant, s => s with { LookUpNewContacts = false });
            var before = meters.Count("relay.triggers.processed");
            await LoadSupport.PostAllAsync(host, tenant, LoadSupport.Batches(topUp, topUp, i => (TriggerType.EmailOpened, $"i-{i}", $"i-{i}@load.example")), rate: 0);
            await BenchHost.WaitAsync(() => Task.FromResult(meters.Count("relay.triggers.processed") - before >= topUp), "every idle contact's trigger");
        }

        LoadSupport.SettledMemory();
        await Task.Delay(Settle);

        // Then until the JIT is quiet: tiered compilation keeps recompiling what the top-up made hot, which is start-up
        // work, not idle work (a fifth of an idle profile 10 s after the top-up).
        var settled = Stopwatch.StartNew();
        for (var slice = 0; slice < MaxJitSettleSlices; slice++)
        {
            var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
            await Task.Delay(Slice);
            if ((System.Runtime.JitInfo.GetCompilationTime() - jitBefore) / Slice < QuietJitShare)
            {
                break;
            }
        }

        var activations = await management.GetTotalActivationCount();
        var cpuBefore = LoadSupport.Cpu();
        var jitAtStart = System.Runtime.JitInfo.GetCompilationTime();
        var clock = Stopwatch.StartNew();
        var busiest = 0.0;
        for (var slice = 0; slice < Math.Max(1, (int)Math.Ceiling(o.IdleSeconds / Slice.TotalSeconds)); slice++)
        {
            var (sliceCpu, sliceClock) = (LoadSupport.Cpu(), Stopwatch.StartNew());
            await Task.Delay(Slice);
            busiest = Math.Max(busiest, (LoadSupport.Cpu() - sliceCpu).TotalSeconds / sliceClock.Elapsed.TotalSeconds);
        }

        var cores = (LoadSupport.Cpu() - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        var jitCores = (System.Runtime.JitInfo.GetCompilationTime() - jitAtStart) / clock.Elapsed;
        report.Add(("idle", "contacts activated first to reach the target", topUp, "count"));
        report.Add(("idle", "grain activations", activations, "count"));
        report.Add(("idle", "grain activations at the end", await management.GetTotalActivationCount(), "count"));
        foreach (var (type, count) in (await management.GetSimpleGrainStatistics())
            .GroupBy(s => s.GrainType.Split(',')[0], (type, silos) => (type, silos.Sum(s => s.ActivationCount)))
            .OrderByDescending(t => t.Item2)
            .Take(5))
        {
            report.Add(("idle", $"of which {type}", count, "count"));
        }

        report.Add(("idle", "process CPU while nothing is sent", cores, "cores"));
        report.Add(("idle", "of which the JIT compiling", jitCores, "cores"));
        report.Add(("idle", $"busiest {Slice.TotalSeconds:0} s of {clock.Elapsed.TotalSeconds:0} s (after {(Settle + settled.Elapsed).TotalSeconds:0} s settling)", busiest, "cores"));
        Console.WriteLine($"idle: {cores:0.000} cores with {activations} activations");
    }
}
