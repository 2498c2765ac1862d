using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Tests.Hosting;

/// <summary>Orleans TLS switched on from settings: silos and clients with the cluster's certificate talk, others cannot.</summary>
public sealed class OrleansTlsTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("relay-tls-").FullName;

    private readonly string _clusterId = "tls-" + Guid.NewGuid().ToString("N")[..8];

    private readonly int _siloPort = FreePorts.Next();

    private readonly int _gatewayPort = FreePorts.Next();

    private readonly List<IHost> _hosts = [];

    /// <summary>Completes with the first failed connection attempt a client logs.</summary>
    private readonly TaskCompletionSource<string> _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Dictionary<string, string?> _pfx = null!;

    private Dictionary<string, string?> _pem = null!;

    public async Task InitializeAsync()
    {
        using var certificate = SelfSigned("relay-silo");
        _pfx = WritePfx(certificate, "cluster.pfx", "secret-pass");
        _pem = WritePem(certificate, "cluster");
        await StartAsync(Silo(_pfx, _siloPort, _gatewayPort, primary: null));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            host.Dispose();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_second_silo_with_the_pem_pair_joins_over_tls_and_a_client_with_the_certificate_calls_a_grain()
    {
        await StartAsync(Silo(_pem, FreePorts.Next(), FreePorts.Next(), primary: _siloPort));
        var client = await StartAsync(Client(_pfx));
        var grains = client.Services.GetRequiredService<IClusterClient>();

        await Eventually.GetAsync(
            () => grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true),
            h => h.Count == 2,
            "the second silo to join the first over TLS");
        (await grains.GetGrain<ITenantGrain>("no-such-tenant").GetConfigAsync()).ShouldBeNull();
    }

    [Fact]
    public async Task A_client_without_tls_cannot_call_the_silo()
    {
        using var stop = new CancellationTokenSource();

        var (refusal, start) = await RefusedAsync([], stop.Token);

        refusal.ShouldContain($"127.0.0.1:{_gatewayPort}", customMessage: "the connection the gateway closed");
        start.IsCompletedSuccessfully.ShouldBeFalse("a plain connection to a TLS gateway is closed before the client can start");
        await stop.CancelAsync();
        (await Record.ExceptionAsync(() => start)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_client_with_a_certificate_the_cluster_does_not_trust_cannot_call_the_silo()
    {
        using var stranger = SelfSigned("relay-silo");
        using var stop = new CancellationTokenSource();

        var (refusal, start) = await RefusedAsync(WritePfx(stranger, "stranger.pfx", ""), stop.Token);

        refusal.ShouldContain($"127.0.0.1:{_gatewayPort}", customMessage: "the connection the gateway closed");
        start.IsCompletedSuccessfully.ShouldBeFalse("a certificate that does not chain to the cluster's is refused");
        await stop.CancelAsync();
        (await Record.ExceptionAsync(() => start)).ShouldNotBeNull();
    }

    /// <summary>
    /// Starts a client with <paramref name="tls"/> settings and waits, within a bound, for its connection to the gateway to
    /// fail; returns what the client logged and its start.
    /// </summary>
    private async Task<(string Refusal, Task Start)> RefusedAsync(Dictionary<string, string?> tls, CancellationToken stop)
    {
        var client = Client(tls);
        _hosts.Add(client);
        var start = client.StartAsync(stop);
        var refusal = await _refused.Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        return (refusal, start);
    }

    private async Task<IHost> StartAsync(IHost host)
    {
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    private IHost Silo(Dictionary<string, string?> tls, int siloPort, int gatewayPort, int? primary)
    {
        var settings = Settings(tls, siloPort, gatewayPort);
        if (primary is { } port)
        {
            settings["Relay:Orleans:PrimarySiloPort"] = port.ToString(CultureInfo.InvariantCulture);
        }

        return new HostBuilder().UseOrleans(silo => silo.AddRelaySilo(Configuration(settings))).Build();
    }

    private IHost Client(Dictionary<string, string?> tls) =>
        new HostBuilder()
            .ConfigureLogging(l => l.AddProvider(new RefusalSignal(_refused)))
            .UseOrleansClient(client => client.AddRelayClient(Configuration(Settings(tls, _siloPort, _gatewayPort)))).Build();

    private Dictionary<string, string?> Settings(Dictionary<string, string?> tls, int siloPort, int gatewayPort) => new(tls)
    {
        ["Relay:Orleans:ClusterId"] = _clusterId,
        ["Relay:Orleans:EmbeddedState"] = "Cluster",
        ["Relay:Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Relay:Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
    };

    private static IConfiguration Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    /// <summary>A certificate as an operator would make one for the cluster: for server and client authentication.</summary>
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private Dictionary<string, string?> WritePfx(X509Certificate2 certificate, string file, string password)
    {
        var path = Path.Combine(_folder, file);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return new()
        {
            ["Relay:Orleans:Tls:Enabled"] = "true",
            ["Relay:Orleans:Tls:CertificatePath"] = path,
            ["Relay:Orleans:Tls:Password"] = password,
        };
    }

    /// <summary>The certificate as a Kubernetes TLS Secret holds it: <c>tls.crt</c> and <c>tls.key</c>.</summary>
    private Dictionary<string, string?> WritePem(X509Certificate2 certificate, string name)
    {
        var (crt, key) = (Path.Combine(_folder, $"{name}.crt"), Path.Combine(_folder, $"{name}.key"));
        File.WriteAllText(crt, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return new()
        {
            ["Relay:Orleans:Tls:Enabled"] = "true",
            ["Relay:Orleans:Tls:CertificatePath"] = crt,
            ["Relay:Orleans:Tls:KeyPath"] = key,
            ["Relay:Orleans:Tls:TrustedCertificatesPath"] = crt,
        };
    }

    /// <summary>Turns a client's log of a failed connection attempt into a signal the test can wait on.</summary>
    private sealed class RefusalSignal(TaskCompletionSource<string> refused) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == "Orleans.Runtime.Messaging.ConnectionManager" ? new Logger(refused) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Logger(TaskCompletionSource<string> refused) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Warning && exception is not null)
                {
                    refused.TrySetResult($"{formatter(state, exception)}: {exception.Message}");
                }
            }
        }
    }
}
