using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Relay.Benchmarks.Load;

/// <summary>
/// Relay's load driver: triggers through the real ingest API into the co-hosted cluster, with the
/// NetServer emulator as SuperOffice over HTTP; and, in the same run, the bare SOAP client driving the
/// emulator with the same calls at the same concurrency. Writes a Markdown table and a CSV.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Relay.Benchmarks -- load [--triggers 20000] [--contacts 2000]
/// [--crm-triggers 4000] [--crm-contacts 400] [--crm-latency-ms 0] [--memory-contacts 20000] [--idle-activations 90000]
/// [--idle-seconds 30] [--out bench/results] [--scenarios timeline,crm,rest,pipeline,bare,port,memory,idle]
/// [--distinct-contacts 1000000 (scenario "million", not run by default)]</c>. The default scenarios measure every
/// figure of <see cref="LoadSummary"/>, which heads the result; "rest" runs the CRM scenario once more with the tenant on
/// NetServer's REST web API, beside SOAP.
/// </remarks>
public static class LoadDriver
{
    /// <summary>Runs every scenario and writes the report.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args);
        var report = new List<(string Scenario, string Metric, double Value, string Unit)>();
        Console.WriteLine($"Relay load driver: {options}");
        await using var host = await BenchHost.StartAsync();
        using var meters = new RelayMeters();

        if (options.Runs("timeline"))
        {
            var round = 0;
            await LoadSupport.WarmUpAsync("timeline", () => TimelineScenario.RunAsync(host, meters, options with { Triggers = options.Triggers / 4 }, [], $"load-timeline-warm-up-{++round}"));
            await TimelineScenario.RunAsync(host, meters, options, report, "load-timeline");
        }

        if (options.Runs("crm") || options.Runs("bare") || options.Runs("rest"))
        {
            // Both sides of the headline ratio run warm: JIT tiers, connections and the emulator's caches are
            // in the state a long-running process has, whichever scenario happens to go first.
            var warmUp = options with { CrmTriggers = options.CrmTriggers / 4 };
            await LoadSupport.WarmUpAsync("crm and bare", async () =>
            {
                await CrmScenario.RunAsync(host, meters, warmUp, [], rate: 0, "warm-up");
                await BareClientScenario.RunAsync(host, warmUp, []);
                if (options.Runs("rest"))
                {
                    await CrmScenario.RunAsync(host, meters, warmUp, [], rate: 0, "warm-up", Relay.Crm.CrmProtocol.Rest);
                }
            });
        }

        // The two sides of the headline ratio run back to back, so that the machine is as alike as it gets for both.
        var maxRate = options.Runs("crm") ? await CrmScenario.RunAsync(host, meters, options, report, rate: 0, "crm flat out") : 0;
        if (options.Runs("bare"))
        {
            await BareClientScenario.RunAsync(host, options, report);
        }

        // REST right after SOAP and the bare client, so that the three compare on the same machine state.
        if (options.Runs("rest"))
        {
            await CrmScenario.RunAsync(host, meters, options, report, rate: 0, "crm flat out over REST", Relay.Crm.CrmProtocol.Rest);
        }

        if (options.Runs("port"))
        {
            await PortScenario.RunAsync(host, options, report);
        }

        if (options.Runs("crm"))
        {
            await CrmScenario.RunAsync(host, meters, options, report, rate: maxRate / 2, "crm at half the maximum rate");
        }

        if (options.Runs("pipeline"))
        {
            await PipelineScenario.RunAsync(options, report);
        }

        if (options.Runs("memory"))
        {
            await MemoryScenario.RunAsync(host, meters, options, report);
        }

        if (options.Runs("million"))
        {
            await DistinctContactsScenario.RunAsync(options, report);
        }

        if (options.Runs("idle"))
        {
            await IdleScenario.RunAsync(host, meters, options, report);
        }

        if (options.Runs("crm") && options.Runs("bare"))
        {
            var relay = report.Single(r => r is { Scenario: "crm flat out", Metric: "CRM calls/s" }).Value;
            var bare = report.Single(r => r is { Scenario: "bare SOAP client", Metric: "CRM calls/s" }).Value;
            report.Add(("headline", "Relay / bare client CRM throughput", relay / bare, "ratio"));
        }

        if (options.Runs("crm") && options.Runs("rest"))
        {
            var soap = report.Single(r => r is { Scenario: "crm flat out", Metric: "triggers processed/s" }).Value;
            var rest = report.Single(r => r is { Scenario: "crm flat out over REST", Metric: "triggers processed/s" }).Value;
            report.Add(("headline", "Relay over REST / over SOAP, triggers processed/s", rest / soap, "ratio"));
            var soapCpu = report.Single(r => r is { Scenario: "crm flat out", Metric: "process CPU per trigger" }).Value;
            var restCpu = report.Single(r => r is { Scenario: "crm flat out over REST", Metric: "process CPU per trigger" }).Value;
            report.Add(("headline", "Relay over REST / over SOAP, process CPU per trigger (Relay and emulator)", restCpu / soapCpu, "ratio"));
        }

        Write(options, report);
        return 0;
    }

    private static void Write(LoadOptions o, List<(string Scenario, string Metric, double Value, string Unit)> report)
    {
        var directory = o.OutDirectory();
        Directory.CreateDirectory(directory);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC";
        var summary = LoadSummary.Build(report);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Relay load run {stamp} UTC").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Options: {o}.").AppendLine();
        md.AppendLine("## Issue 19's figures, this run").AppendLine().Append(LoadSummary.Markdown(summary)).AppendLine();
        md.AppendLine("## Every measurement").AppendLine();
        md.AppendLine("| scenario | metric | value | unit |").AppendLine("|---|---|---:|---|");
        var csv = new StringBuilder(LoadSummary.Csv(summary)).AppendLine().AppendLine("scenario,metric,value,unit");
        foreach (var (scenario, metric, value, unit) in report)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {metric} | {value:0.##} | {unit} |");
            csv.AppendLine(CultureInfo.InvariantCulture, $"{LoadSummary.Quote(scenario)},{LoadSummary.Quote(metric)},{value.ToString("0.###", CultureInfo.InvariantCulture)},{LoadSummary.Quote(unit)}");
        }

        var path = Path.Combine(directory, $"load-{stamp}");
        File.WriteAllText(path + ".md", md.ToString());
        File.WriteAllText(path + ".csv", csv.ToString());
        Console.WriteLine(md.ToString());
        Console.WriteLine("Issue 19's figures, this run:");
        Console.WriteLine(LoadSummary.Markdown(summary));
        Console.WriteLine($"Written: {path}.md, {path}.csv");
    }
}
