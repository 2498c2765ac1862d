using System.Runtime;

namespace Relay.Benchmarks.Load;

/// <summary>The process's CPU time and allocated bytes at one moment, to report what a scenario cost per unit of work.</summary>
internal readonly record struct ProcessCost(TimeSpan Cpu, long Allocated, TimeSpan Jit)
{
    public static ProcessCost Now() => new(LoadSupport.Cpu(), GC.GetTotalAllocatedBytes(), JitInfo.GetCompilationTime());

    /// <summary>
    /// Adds "process CPU per <paramref name="unit"/>", "allocated per <paramref name="unit"/>" and the time the JIT
    /// spent compiling since this moment.
    /// </summary>
    public void AddPer(List<(string, string, double, string)> report, string scenario, int count, string unit)
    {
        var now = Now();
        report.Add((scenario, $"process CPU per {unit}", (now.Cpu - Cpu).TotalMicroseconds / count, "µs"));
        report.Add((scenario, $"allocated per {unit}", (now.Allocated - Allocated) / 1024.0 / count, "KB"));
        report.Add((scenario, "JIT compiling", (now.Jit - Jit).TotalMilliseconds, "ms"));
    }
}
