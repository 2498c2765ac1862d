using System.Globalization;

namespace Relay.Benchmarks.Load;

/// <summary>The load driver's options.</summary>
public sealed record LoadOptions(
    int Triggers,
    int Contacts,
    int CrmTriggers,
    int CrmContacts,
    int CrmLatencyMs,
    int MemoryContacts,
    string Out,
    string Scenarios = LoadOptions.DefaultScenarios,
    int DistinctContacts = 1_000_000,
    int IdleActivations = 90_000,
    int IdleSeconds = 30)
{
    /// <summary>The scenarios of a run without <c>--scenarios</c>: together they measure every figure of the summary.</summary>
    public const string DefaultScenarios = "timeline,crm,rest,pipeline,bare,port,memory,idle";

    /// <summary>Whether <paramref name="scenario"/> is among the scenarios asked for.</summary>
    public bool Runs(string scenario) => Scenarios.Split(',', StringSplitOptions.TrimEntries).Contains(scenario, StringComparer.Ordinal);

    /// <summary>
    /// Where the results go: <see cref="Out"/> as given when absolute, else under the repository's root (where
    /// Orleans.sln is), so that a run from any directory lands in the repository's bench/results.
    /// </summary>
    public string OutDirectory() => Path.IsPathRooted(Out) ? Out : Path.GetFullPath(Path.Combine(BenchHost.RepoRoot(), Out));

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
            values.Remove("scenarios", out var s) ? s : DefaultScenarios,
            Int("distinct-contacts", 1_000_000), Int("idle-activations", 90_000), Int("idle-seconds", 30));
        return values.Count == 0 ? options : throw new ArgumentException($"Unknown options: {string.Join(", ", values.Keys)}");
    }
}
