using System.Diagnostics;
using System.Runtime;
using System.Text.Json.Nodes;
using Relay.Triggers;

namespace Relay.Benchmarks.Load;

/// <summary>What the load scenarios share: seeding, batching and posting triggers, warming up, and measuring cost.</summary>
internal static class LoadSupport
{
    public static long SettledMemory()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public static string[] SeedPersons(BenchHost host, string prefix, int count)
    {
        var company = host.Emulator.Store.AddCompany(prefix + " AB", 102);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var email = $"{prefix}-{i}@crm.example";
            host.Emulator.Store.AddPerson("Load", $"Person {i}", email, company.CompanyId);
            return email;
        })];
    }

    public static void SetLatency(BenchHost host, int milliseconds)
    {
        host.Emulator.Faults.Clear();
        if (milliseconds > 0)
        {
            host.Emulator.Faults.Add(new NetServerEmulator.Faults.FaultRule { Operation = "*", Kind = NetServerEmulator.Faults.FaultKind.Latency, LatencyMs = milliseconds });
        }
    }

    /// <summary>Batches of up to <paramref name="size"/> triggers, each contact's triggers spread over the run.</summary>
    public static List<Func<JsonObject[]>> Batches(int triggers, int contacts, Func<int, (TriggerType Type, string ContactId, string Email)> make, int size = 500) =>
        [.. Enumerable.Range(0, triggers).Chunk(size).Select(chunk => (Func<JsonObject[]>)(() => [.. chunk.Select(i =>
        {
            var (type, contact, email) = make(i);
            return BenchHost.Trigger(type, contact, email);
        })]))];

    /// <summary>Posts the batches, four at a time, flat out or paced to <paramref name="rate"/> triggers/s; returns how long it took.</summary>
    public static async Task<TimeSpan> PostAllAsync(BenchHost host, string tenant, List<Func<JsonObject[]>> batches, double rate)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0L;
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = rate > 0 ? 1 : 4 }, async (batch, ct) =>
        {
            var triggers = batch();
            if (rate > 0)
            {
                var due = TimeSpan.FromSeconds(Interlocked.Read(ref sent) / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, ct);
                }

                triggers = batch();
            }

            await host.SendAsync(tenant, triggers);
            Interlocked.Add(ref sent, triggers.Length);
        });
        return clock.Elapsed;
    }

    public static TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>
    /// Runs <paramref name="round"/> until the JIT is quiet: tiered compilation recompiles hot methods with what it
    /// learnt for tens of seconds, and a scenario measured meanwhile counts the JIT's CPU as Relay's. Quiet means the
    /// JIT took under 2 % of two rounds in a row; at most 40 rounds. On this machine the timeline took 33 rounds (about
    /// 35 s) and ran 2,200 triggers/s in the first, 14,000 once the JIT was quiet.
    /// </summary>
    public static async Task WarmUpAsync(string what, Func<Task> round)
    {
        var quiet = 0;
        for (var i = 1; i <= 40; i++)
        {
            var (jit, methods) = (JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
            var clock = Stopwatch.StartNew();
            await round();
            var share = (JitInfo.GetCompilationTime() - jit) / clock.Elapsed;
            Console.WriteLine($"warm-up {what}, round {i}: JIT {share:P1} of {clock.Elapsed.TotalSeconds:0.0} s, {JitInfo.GetCompiledMethodCount() - methods} methods compiled");
            quiet = share < 0.02 ? quiet + 1 : 0;
            if (quiet == 2)
            {
                return;
            }
        }
    }

    public static (int, int, int, TimeSpan) GcCounts() => (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static void AddGc(List<(string, string, double, string)> report, string scenario, (int G0, int G1, int G2, TimeSpan Paused) before)
    {
        report.Add((scenario, "GC gen0/gen1/gen2", GC.CollectionCount(0) - before.G0, $"gen1 {GC.CollectionCount(1) - before.G1}, gen2 {GC.CollectionCount(2) - before.G2}"));
        report.Add((scenario, "GC pauses", (GC.GetTotalPauseDuration() - before.Paused).TotalMilliseconds, "ms"));
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
