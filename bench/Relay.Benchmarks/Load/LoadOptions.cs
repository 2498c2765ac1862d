using System.Globalization;

namespace Relay.Benchmarks.Load;

/// <summary>The load driver's options.</summary>
public sealed record LoadOptions(int Triggers, int Contacts, int CrmTriggers, int CrmContacts, int CrmLatencyMs, int MemoryContacts, string Out, string Scenarios = "timeline,crm,pipeline,bare,port,memory", int DistinctContacts = 1_000_000)
{
    /// <summary>Whether <paramref name="scenario"/> is among the scenarios asked for.</summary>
    public bool Runs(string scenario) => Scenarios.Split(',', StringSplitOptions.TrimEntries).Contains(scenario, StringComparer.Ordinal);

    /// <summary>Reads <c>--name value</c> pairs; unknown names are refused.</summary>
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Int(string name, int fallback) => values.Remove(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new LoadOptions(
            Int("triggers", 20_000), Int("contacts", 2_000), Int("crm-triggers", 4_000), Int("crm-contacts", 400),
            Int("crm-latency-ms", 0), Int("memory-contacts", 20_000), values.Remove("out", out var o) ? o : Path.Combine("bench", "results"),
            values.Remove("scenarios", out var s) ? s : "timeline,crm,pipeline,bare,port,memory",
            Int("distinct-contacts", 1_000_000));
        return values.Count == 0 ? options : throw new ArgumentException($"Unknown options: {string.Join(", ", values.Keys)}");
    }
}
