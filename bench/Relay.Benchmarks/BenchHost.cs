using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relay.Automations;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Triggers;
using Relay.Web.Hosting;

namespace Relay.Benchmarks;

/// <summary>
/// The real web host for benchmarks, in this process: co-hosted silo, embedded providers, the NetServer
/// emulator over HTTP as SuperOffice, triggers sent through the ingest API.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>The web host's address.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A client of the web host.</summary>
    public HttpClient Http { get; }

    /// <summary>The emulator.</summary>
    public RunningEmulator Emulator => _app.Services.GetRequiredService<EmbeddedEmulator>().Running!;

    /// <summary>The in-memory CRM, when the host runs with <c>Relay:Crm:Mode=InMemory</c>.</summary>
    public Relay.Crm.InMemoryCrm? InMemoryCrm => _app.Services.GetService<Relay.Crm.InMemoryCrm>();

    /// <summary>The host's services (the co-hosted silo's among them).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The co-hosted silo's grains.</summary>
    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts the host; <paramref name="settings"/> override its configuration.</summary>
    public static async Task<BenchHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Relay:Orleans:SiloPort"] = FreePort(),
            ["Relay:Orleans:GatewayPort"] = FreePort(),
            ["Relay:Orleans:ClusterId"] = "bench-" + Guid.NewGuid().ToString("N")[..8],
            ["Relay:Crm:Mode"] = "NetServer",
            ["Relay:Emulator:Enabled"] = "true",
            ["Relay:Emulator:Port"] = "0",
            ["Relay:Demo:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = RelayWebApp.Create(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(configuration), Path.Combine(RepoRoot(), "src", "Web"));
        await app.StartAsync();
        return new BenchHost(app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    /// <summary>Creates a tenant whose SuperOffice is the emulator.</summary>
    public async Task CreateTenantAsync(string tenant, Func<TenantSettings, TenantSettings>? change = null, params Automation[] automations)
    {
        var baseUrl = InMemoryCrm is null ? Emulator.BaseUrl.ToString().TrimEnd('/') : "memory://" + tenant;
        var crm = new TenantCrmSettings(baseUrl, "75", DemoSeed.UserName, DemoSeed.Password);
        var grain = Grains.GetGrain<ITenantGrain>(tenant);
        Check(await grain.PutSettingsAsync((change ?? (s => s))(new TenantSettings("Bench", crm, DefaultOwnerAssociateId: 102))));
        Check(await grain.PutAutomationsAsync([.. automations]));

        // Triggers are sent as eMarketeer sends them: with an ingest credential, checked on every batch. A scenario
        // creates its tenant once per warm-up round and once to measure, and a tenant keeps only two credentials of a name.
        var token = Relay.Access.AccessTokens.NewCredential(tenant);
        if ((await Grains.GetGrain<Relay.Access.ITenantAccessGrain>(tenant).AddCredentialAsync("bench-" + Guid.NewGuid().ToString("N")[..8], Relay.Access.AccessScopes.Ingest | Relay.Access.AccessScopes.Read, token)).Error is { } error)
        {
            throw new InvalidOperationException(error);
        }

        _credentials[tenant] = token;

        static void Check(ValidationResult result)
        {
            if (!result.IsValid)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors));
            }
        }
    }

    /// <summary>How many batches were answered 503 (the trigger queues full) and sent again.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    private long _refused;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _credentials = new(StringComparer.Ordinal);

    /// <summary>
    /// Posts triggers through the ingest API in batches of up to 1,000. A 503 (the trigger queues are full) is
    /// answered as eMarketeer would: the same batch again a little later; queued triggers are recognised by id.
    /// </summary>
    public async Task SendAsync(string tenant, IEnumerable<JsonObject> triggers)
    {
        foreach (var batch in triggers.Chunk(1000))
        {
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenant}/triggers") { Content = JsonContent.Create(new JsonArray([.. batch.Select(t => t.DeepClone())])) };
                request.Headers.Authorization = new("Bearer", _credentials[tenant]);
                using var response = await Http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    response.EnsureSuccessStatusCode();
                    break;
                }

                Interlocked.Increment(ref _refused);
                await Task.Delay(200);
            }
        }
    }

    /// <summary>A trigger as eMarketeer sends it, stamped with the time it is made.</summary>
    public static JsonObject Trigger(TriggerType type, string contactId, string email) => new()
    {
        ["id"] = Guid.NewGuid().ToString("N"),
        ["type"] = type.ToName(),
        ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = email, ["firstName"] = "Bench", ["lastName"] = contactId },
        ["content"] = new JsonObject { ["id"] = "mail-1", ["name"] = "Newsletter" },
        ["form"] = type == TriggerType.FormSubmitted ? new JsonObject { ["id"] = "f" } : null,
    };

    /// <summary>Waits, polling, for a condition of the benchmark's data.</summary>
    public static async Task WaitAsync(Func<Task<bool>> done, string what, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromMinutes(10));
        while (!await done())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The repository's root: the nearest directory above the build output (else the current one) with Orleans.sln.</summary>
    public static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
