using System.Globalization;
using System.Net.Sockets;

namespace Relay.Cluster.Tests.Support;

/// <summary>
/// Azurite from <c>tools/azurite</c> (pinned by its package-lock.json, installed by <c>npm ci</c> in .ci/run), on free
/// ports with a data folder of its own, ended on dispose. Missing Azurite fails the tests, with the command that installs it.
/// With <see cref="SeparateServices"/> the blob, queue and table services run as three processes, so a test can stop
/// one of them (as a storage outage would) or freeze them all.
/// </summary>
public sealed class Azurite(bool separateServices = false) : IAsyncLifetime
{
    /// <summary>The well-known key of Azurite's development account.</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Dictionary<string, ChildProcess> _processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private string _folder = "";

    /// <summary>Whether each service is a process of its own.</summary>
    public bool SeparateServices => separateServices;

    /// <summary>A connection string for the development account on this instance's ports.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("relay-azurite-").FullName;
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            _ports[service] = FreePorts.Next();
        }

        if (separateServices)
        {
            foreach (var service in _ports.Keys)
            {
                await StartAsync(service);
            }
        }
        else
        {
            var process = ChildProcess.Start("azurite", "node", [
                Script("azurite.js"), .. CommonArguments, "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                "--blobPort", Port("blob"), "--queuePort", Port("queue"), "--tablePort", Port("table")]);
            _processes["all"] = process;
            foreach (var port in _ports.Values)
            {
                await ListeningAsync(process, port);
            }
        }

        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
            $";BlobEndpoint=http://127.0.0.1:{_ports["blob"]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{_ports["queue"]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{_ports["table"]}/devstoreaccount1;";
    }

    /// <summary>
    /// Stops one service (<c>blob</c>, <c>queue</c> or <c>table</c>) as an outage would: its port refuses connections.
    /// It is stopped with SIGINT, so it writes what it holds to its folder first and <see cref="StartAsync"/> finds it
    /// again; once it says so, the process is ended (open keep-alive connections would keep it alive).
    /// </summary>
    public async Task StopAsync(string service)
    {
        var process = Separate(service);
        process.Signal(ChildProcess.SigInt);
        await Eventually.ThatAsync(() => process.HasExited || process.Tail.Contains("successfully closed", StringComparison.Ordinal), $"Azurite's {service} service to close");
        await process.DisposeAsync();
        _processes.Remove(service);
    }

    /// <summary>Starts one service again, on its port, with the data it had.</summary>
    public async Task StartAsync(string service)
    {
        if (!separateServices)
        {
            throw new InvalidOperationException("Only an Azurite with separate services can start one service.");
        }

        var process = ChildProcess.Start("azurite-" + service, "node", [
            Script(Path.Combine(service, "main.js")), .. CommonArguments, $"--{service}Host", "127.0.0.1", $"--{service}Port", Port(service)]);
        _processes[service] = process;
        await ListeningAsync(process, _ports[service]);
    }

    /// <summary>Freezes one service (SIGSTOP): its port accepts connections and nothing answers.</summary>
    public void Freeze(string service) => Separate(service).Signal(ChildProcess.SigStop);

    /// <summary>Freezes every service (SIGSTOP): connections are accepted, nothing answers, as with a hung storage account.</summary>
    public void FreezeAll()
    {
        foreach (var process in _processes.Values)
        {
            process.Signal(ChildProcess.SigStop);
        }
    }

    /// <summary>Lets every frozen service go on (SIGCONT).</summary>
    public void ThawAll()
    {
        foreach (var process in _processes.Values)
        {
            process.Signal(ChildProcess.SigCont);
        }
    }

    public async Task DisposeAsync()
    {
        ThawAll();
        foreach (var process in _processes.Values)
        {
            await process.DisposeAsync();
        }

        if (_folder.Length > 0)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string[] CommonArguments => ["--silent", "--disableTelemetry", "--skipApiVersionCheck", "--disableProductStyleUrl", "--location", _folder];

    private ChildProcess Separate(string service) =>
        separateServices && _processes.TryGetValue(service, out var process)
            ? process
            : throw new InvalidOperationException($"Azurite's {service} service is not running as a process of its own.");

    private static string Script(string relative)
    {
        var script = Path.Combine(Artifacts.RepoRoot, "tools", "azurite", "node_modules", "azurite", "dist", "src", relative);
        return File.Exists(script)
            ? script
            : throw new InvalidOperationException(
                $"Azurite is not installed ({script} is missing). Install the pinned version with `npm ci --prefix tools/azurite` (.ci/run does this).");
    }

    private string Port(string service) => _ports[service].ToString(CultureInfo.InvariantCulture);

    private static async Task ListeningAsync(ChildProcess process, int port)
    {
        await Eventually.GetAsync(() => AcceptsAsync(port), ok => ok || process.HasExited, $"{process.Name} to listen on port {port}");
        process.ThrowIfExited();
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
