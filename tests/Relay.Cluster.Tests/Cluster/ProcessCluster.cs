using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Relay.Hosting;

namespace Relay.Cluster.Tests.Cluster;

/// <summary>
/// A production-shaped Relay on this machine: Azurite, <c>src/Silo</c> processes with the Azure providers and the
/// NetServer CRM, and one <c>src/Web</c> process as an Orleans client, all configured through environment variables
/// from their build outputs, as an operator would run them.
/// </summary>
public sealed partial class ProcessCluster : IAsyncDisposable
{
    /// <summary>The operator key the web host is configured with.</summary>
    public const string AdminKey = "cluster-admin-key";

    /// <summary>The key every process's <c>/metrics</c> answers.</summary>
    public const string MetricsKey = "cluster-metrics-key";

    private readonly Azurite _azurite;
    private readonly string _serviceId = "relay" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<(ChildProcess Process, Uri Url)> _silos = [];

    private ProcessCluster(Azurite azurite, int queueCount)
    {
        _azurite = azurite;
        QueueCount = queueCount;
    }

    /// <summary>How many Azure queues carry triggers.</summary>
    public int QueueCount { get; }

    /// <summary>The web host, once started.</summary>
    public ChildProcess? Web { get; private set; }

    /// <summary>The web host's base URL.</summary>
    public Uri WebUrl { get; private set; } = null!;

    /// <summary>The silos started so far, killed ones included.</summary>
    public IReadOnlyList<(ChildProcess Process, Uri Url)> Silos => _silos;

    /// <summary>The storage emulator the processes use.</summary>
    public Azurite Azurite => _azurite;

    /// <summary>Settings every process started from now on gets, as <c>Relay__…</c> environment variables.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts Azurite (its services as separate processes when asked); silos and the web host are started by the test.</summary>
    public static async Task<ProcessCluster> StartAzuriteAsync(int queueCount, bool separateServices = false)
    {
        var azurite = new Azurite(separateServices);
        await azurite.InitializeAsync();
        return new ProcessCluster(azurite, queueCount);
    }

    /// <summary>Starts a silo process; waits until it answers <c>/health/ready</c> when <paramref name="waitReady"/>.</summary>
    public async Task<ChildProcess> StartSiloAsync(bool waitReady = true)
    {
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var env = Common();
        env["Relay__Orleans__SiloPort"] = Port(FreePorts.Next());
        env["Relay__Orleans__GatewayPort"] = Port(FreePorts.Next());
        env["Relay__Orleans__SiloName"] = "silo-" + (_silos.Count + 1);
        env["Relay__Crm__Mode"] = "NetServer";
        var silo = ChildProcess.Start("silo-" + (_silos.Count + 1), "dotnet", [Artifacts.BuiltHost("Silo", "Relay.Silo"), "--urls", url.ToString()], env);
        _silos.Add((silo, url));
        if (waitReady)
        {
            await WaitReadyAsync(silo, url);
        }

        return silo;
    }

    /// <summary>Starts the web host as a client of the cluster and waits until it is ready.</summary>
    public async Task StartWebAsync()
    {
        WebUrl = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var env = Common();
        env["Relay__Web__CoHostSilo"] = "false";
        env["Relay__Operator__ApiKey"] = AdminKey;
        // Its content root is the project folder, as the published image's is its app folder: the panels' stylesheet is in wwwroot.
        Web = ChildProcess.Start("web", "dotnet", [Artifacts.BuiltHost("Web", "Relay.Web"), "--urls", WebUrl.ToString()], env, Path.Combine(Artifacts.RepoRoot, "src", "Web"));
        await WaitReadyAsync(Web, WebUrl);
    }

    /// <summary>
    /// Starts an Orleans client of the cluster in the test's own process, configured as the web host is, for what
    /// only the cluster can tell (which silo holds an activation, which silos membership still counts).
    /// </summary>
    public async Task<IHost> StartClientAsync()
    {
        var settings = Common().ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client.AddRelayClient(configuration));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The last lines each process started so far wrote, for a failing test's output.</summary>
    public string Tails() =>
        string.Join("\n", _silos.Select(s => s.Process).Append(Web).OfType<ChildProcess>().Select(p => $"--- {p.Name} ---\n{p.Tail}"));

    /// <summary>The value of a Prometheus sample on a process's <c>/metrics</c>, summed over its labels; 0 when absent.</summary>
    public static async Task<double> ScrapeAsync(Uri baseUrl, string metric)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Api-Key", MetricsKey);
        var text = await http.GetStringAsync("/metrics");
        return Sample().Matches(text).Where(m => m.Groups["name"].Value == metric)
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        foreach (var (silo, _) in _silos)
        {
            await silo.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits until a started silo answers <c>/health/ready</c> (true) or has exited (false), as an orchestrator watching
    /// it would; a silo started while storage is unreachable exits, and is then started again.
    /// </summary>
    public static async Task<bool> ReadyOrExitedAsync((ChildProcess Process, Uri Url) silo)
    {
        var ready = await Eventually.GetAsync(() => IsReadyAsync(silo.Process, silo.Url), r => r || silo.Process.HasExited, $"{silo.Process.Name} to be ready or to exit");
        return ready && !silo.Process.HasExited;
    }

    private static async Task WaitReadyAsync(ChildProcess process, Uri url) =>
        await Eventually.GetAsync(
            () =>
            {
                process.ThrowIfExited();
                return IsReadyAsync(process, url);
            },
            ready => ready,
            $"{process.Name} to be ready");

    private static async Task<bool> IsReadyAsync(ChildProcess process, Uri url)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return !process.HasExited && (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private Dictionary<string, string> Common() => new Dictionary<string, string>(Settings)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Relay__Operator__MetricsKey"] = MetricsKey,
        ["Relay__Orleans__Providers"] = "Azure",
        ["Relay__Orleans__ClusterId"] = "cluster-test",
        ["Relay__Orleans__ServiceId"] = _serviceId,
        ["Relay__Orleans__AdvertisedIPAddress"] = "127.0.0.1",
        ["Relay__Orleans__Azure__ConnectionString"] = _azurite.ConnectionString,
        ["Relay__Orleans__Azure__QueueCount"] = Port(QueueCount),
        ["Relay__Demo__Enabled"] = "false",
        ["Relay__Observability__Dashboard"] = "false",

        // The tests' NetServer emulator listens on the loopback address, which tenants may name only when it is listed.
        ["Relay__Crm__AllowedHosts__0"] = "127.0.0.1",
    };

    [GeneratedRegex(@"^(?<name>[a-z_]+)(?:\{[^}]*\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
