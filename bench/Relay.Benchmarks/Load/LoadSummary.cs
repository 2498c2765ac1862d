using System.Globalization;
using System.Text;

namespace Relay.Benchmarks.Load;

/// <summary>
/// Issue 19's table of figures — figure | this run | target | met? — filled in from one run's own measurements, so
/// that a run says by itself whether the targets are met (the Relay / bare client ratio from the same run).
/// </summary>
internal static class LoadSummary
{
    /// <summary>One figure of the table.</summary>
    public sealed record Row(string Figure, string ThisRun, string Target, string Met);

    /// <summary>The table's rows; a figure whose scenario did not run says so.</summary>
    public static IReadOnlyList<Row> Build(IReadOnlyList<(string Scenario, string Metric, double Value, string Unit)> report)
    {
        double? Get(string scenario, string metric) =>
            report.LastOrDefault(r => r.Scenario == scenario && r.Metric == metric) is { Scenario: not null } r && !double.IsNaN(r.Value) ? r.Value : null;

        var relay = Get("crm flat out", "CRM calls/s");
        var bare = Get("bare SOAP client", "CRM calls/s");
        var pipelineCpu = Get("in-memory CRM", "process CPU per trigger");
        var timeline = Get("timeline only", "ingest → timeline");
        var timelineCpu = Get("timeline only", "process CPU per trigger");
        var memory = Get("idle contacts", "managed memory per contact (activation + stored state)");
        var activation = Get("idle contacts", "of which the activations");
        var idle = Get("idle", "process CPU while nothing is sent");
        var idleActivations = Get("idle", "grain activations");
        var p99 = Get("crm at half the maximum rate", "p99 ingest → CRM commit");
        var halfRate = Get("crm at half the maximum rate", "triggers processed/s");
        return
        [
            Figure(
                "Relay / bare SOAP client, CRM calls per second, same run", "≥ 0.8", "scenarios crm and bare",
                relay is { } r && bare is { } b ? (F($"{r / b:0.00} ({r:N0} vs {b:N0})"), [("", r / b >= 0.8)]) : null),
            Figure(
                "Relay's own CPU per sale trigger (in-memory CRM)", "≤ 150 µs", "scenario pipeline",
                pipelineCpu is { } c ? (F($"{c:N0} µs"), [("", c <= 150)]) : null),
            Figure(
                "ingest → timeline, no CRM action", "≥ 25,000/s (≤ 60 µs CPU each)", "scenario timeline",
                timeline is { } t && timelineCpu is { } tc ? (F($"{t:N0} triggers/s ({tc:N0} µs CPU each)"), [("rate", t >= 25_000), ("CPU", tc <= 60)]) : null),
            Figure(
                "memory per idle activated contact (activation alone)", "≤ 4 KB (≤ 2.5 KB)", "scenario memory",
                memory is { } m && activation is { } a ? (F($"{m / 1000:0.0} KB ({a / 1000:0.00} KB)"), [("with state", m <= 4000), ("activation alone", a <= 2500)]) : null),
            Figure(
                "process CPU with ~90,000 idle activations", "≤ 0.02 cores", "scenario idle",
                idle is { } i && idleActivations is { } n ? (F($"{i:0.000} cores ({n:N0} activations)"), [("CPU", i <= 0.02), ("~90,000 activations", n >= 81_000)]) : null),
            Figure(
                "p99 ingest → CRM commit at half the maximum rate", "≤ 100 ms", "scenario crm",
                p99 is { } p && halfRate is { } h ? (F($"{p:N0} ms (at {h:N0} triggers/s)"), [("", p <= 100)]) : null),
        ];

        static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

        // A figure with two parts (a rate and its CPU, memory and the activation's share, idle CPU and enough activations
        // to be the issue's figure) is met when both are.
        static Row Figure(string figure, string target, string scenarios, (string Measured, (string Name, bool Met)[] Parts)? result)
        {
            if (result is not { } r)
            {
                return new(figure, $"not measured ({scenarios} not run)", target, "—");
            }

            var missed = r.Parts.Where(p => !p.Met).Select(p => p.Name).ToArray();
            return new(figure, r.Measured, target, missed.Length == 0 ? "yes" : missed.Length < r.Parts.Length ? $"no ({string.Join(", ", missed)} missed)" : "no");
        }
    }

    /// <summary>The table in Markdown, with what its units mean.</summary>
    public static string Markdown(IReadOnlyList<Row> rows)
    {
        var md = new StringBuilder("| figure | this run | target | met? |\n|---|---|---|---|\n");
        foreach (var row in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Figure} | {row.ThisRun} | {row.Target} | {row.Met} |");
        }

        return md.AppendLine()
            .AppendLine("A KB is 1,000 bytes of managed heap after a full GC; the bracketed memory figure is what the activation alone holds (the contacts' heap less what stays once they deactivate). Idle CPU is the process's, averaged over the idle window; the activations are counted at its start.")
            .ToString();
    }

    /// <summary>The table as CSV, every field quoted (the figures hold commas).</summary>
    public static string Csv(IReadOnlyList<Row> rows)
    {
        var csv = new StringBuilder("figure,this run,target,met?\n");
        foreach (var row in rows)
        {
            csv.AppendLine(string.Join(',', new[] { row.Figure, row.ThisRun, row.Target, row.Met }.Select(Quote)));
        }

        return csv.ToString();
    }

    /// <summary>A CSV field, quoted, its quotes doubled.</summary>
    public static string Quote(string field) => $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
