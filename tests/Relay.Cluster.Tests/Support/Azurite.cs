using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Relay.Cluster.Tests.Support;

/// <summary>
/// Azurite from <c>tools/azurite</c> (pinned by its package-lock.json, installed by <c>npm ci</c> in .ci/run), on free
/// ports with a data folder of its own, ended on dispose. Missing Azurite fails the tests, with the command that installs it.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    /// <summary>The well-known key of Azurite's development account.</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private ChildProcess? _process;
    private string _folder = "";

    /// <summary>A connection string for the development account on this instance's ports.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var root = Artifacts.RepoRoot;
        var script = Path.Combine(root, "tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ({script} is missing). Install the pinned version with `npm ci --prefix tools/azurite` (.ci/run does this).");
        }

        _folder = Directory.CreateTempSubdirectory("relay-azurite-").FullName;
        var (blob, queue, table) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        _process = ChildProcess.Start("azurite", "node", [
            script, "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--location", _folder,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", Port(blob), "--queuePort", Port(queue), "--tablePort", Port(table)]);
        foreach (var port in new[] { blob, queue, table })
        {
            await Eventually.GetAsync(() => AcceptsAsync(port), ok => ok || _process.HasExited, $"Azurite to listen on port {port}");
            _process.ThrowIfExited();
        }

        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
            $";BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (_folder.Length > 0)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

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
