using System.Diagnostics;

namespace Relay.Benchmarks.Load;

/// <summary>The "idle" scenario, run last: what the process spends with nothing sent and every activation still in memory.</summary>
internal static class IdleScenario
{
    /// <summary>What the process spends when no trigger arrives, with every activation of the run still in memory.</summary>
    public static async Task RunAsync(BenchHost host, List<(string, string, double, string)> report)
    {
        var activations = await host.Grains.GetGrain<IManagementGrain>(0).GetTotalActivationCount();
        var cpuBefore = LoadSupport.Cpu();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var cores = (LoadSupport.Cpu() - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        report.Add(("idle", "grain activations", activations, "count"));
        report.Add(("idle", "process CPU while nothing is sent", cores, "cores"));
        Console.WriteLine($"idle: {cores:0.00} cores with {activations} activations");
    }
}
