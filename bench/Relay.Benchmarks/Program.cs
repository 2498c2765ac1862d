using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Relay's benchmarks, run in-process (the repository's build settings would fail BenchmarkDotNet's
// generated projects). All: dotnet run -c Release --project bench/Relay.Benchmarks -- --filter '*'
var config = DefaultConfig.Instance.AddJob(Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(3)
    .WithIterationCount(10)
    .WithLaunchCount(1));
// The load driver: dotnet run -c Release --project bench/Relay.Benchmarks -- load [options]
if (args.FirstOrDefault() == "load")
{
    return await Relay.Benchmarks.Load.LoadDriver.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Relay.Benchmarks.TriggerParsing).Assembly).Run(args, config);
return 0;
