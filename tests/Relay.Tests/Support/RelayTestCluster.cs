using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Hosting;

namespace Relay.Tests.Support;

/// <summary>Where a test cluster keeps grain state, trigger streams and reminders.</summary>
public enum TestProviders
{
    /// <summary>The embedded providers: state in the process (shared by the cluster's silos), memory streams and reminders.</summary>
    Memory,

    /// <summary>
    /// The embedded providers with both grain storages replaced by <see cref="SharedGrainStore"/>s outside the silos,
    /// as Azure storage is: state survives a silo kill, and tests can fail or supersede writes.
    /// </summary>
    Shared,

    /// <summary>Relay's Azure providers (Table and Blob state, Azure Queue streams, Table reminders) against Azurite.</summary>
    Azure,
}

/// <summary>The variants of a test cluster.</summary>
public sealed class RelayTestClusterOptions
{
    /// <summary>How many silos the cluster starts with.</summary>
    public short Silos { get; set; } = 2;

    /// <summary>The CRM the silos call, shared by every silo; null for the NetServer SOAP adapter (the emulator).</summary>
    public ICrm? Crm { get; set; }

    /// <summary>How long the NetServer adapter waits for one SOAP call; its default when null.</summary>
    public TimeSpan? NetServerCallTimeout { get; set; }

    /// <summary>Where state, streams and reminders live.</summary>
    public TestProviders Providers { get; set; } = TestProviders.Memory;

    /// <summary>The cluster's Azure settings; required with <see cref="TestProviders.Azure"/>, whose service id the cluster takes.</summary>
    public OrleansSettings? Azure { get; set; }

    /// <summary>
    /// The hosts tenants may name although they are not public (<c>Relay:Crm:AllowedHosts</c>): by default the
    /// loopback address the tests' NetServer emulators listen on.
    /// </summary>
    public IReadOnlyList<string> AllowedCrmHosts { get; set; } = ["127.0.0.1"];

    /// <summary>Changes to each silo's services after Relay's own (a clock, options), so they win.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }
}

/// <summary>
/// The one builder of in-process test clusters for every test project. Silos get their providers from the production
/// provider sets (<c>AddRelayProviders</c>, <c>AddRelayAzureProviders</c>) and their services from
/// <c>AddRelayDomain</c>, so a test cluster has every storage and service a real silo has; the variants are options.
/// </summary>
public sealed class RelayTestCluster : IAsyncDisposable
{
    private readonly string? _keysFolder;

    private RelayTestCluster(InProcessTestCluster cluster, GrainCallFaults faults, SharedGrainStore storage, SharedGrainStore largeStorage, string? keysFolder)
    {
        _keysFolder = keysFolder;
        Cluster = cluster;
        Faults = faults;
        Storage = storage;
        LargeStorage = largeStorage;
    }

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Faults the tests may inject into grain calls.</summary>
    public GrainCallFaults Faults { get; }

    /// <summary>The <see cref="RelayStorage.Name"/> grain storage, with <see cref="TestProviders.Shared"/> (else unused).</summary>
    public SharedGrainStore Storage { get; }

    /// <summary>The <see cref="RelayStorage.Large"/> grain storage, with <see cref="TestProviders.Shared"/> (else unused).</summary>
    public SharedGrainStore LargeStorage { get; }

    /// <summary>Starts a cluster of the given shape.</summary>
    public static async Task<RelayTestCluster> StartAsync(RelayTestClusterOptions options)
    {
        var azure = options.Providers is TestProviders.Azure
            ? options.Azure ?? throw new ArgumentException("Azure providers need Azure settings.", nameof(options))
            : null;
        var faults = new GrainCallFaults();
        var storage = new SharedGrainStore();
        var largeStorage = new SharedGrainStore();

        // One key ring for the cluster's silos, as production shares one: in the Azure blob, or in a folder of the cluster's own.
        var keyRing = new RelayHostOptions { Orleans = azure ?? new OrleansSettings() };
        keyRing.DataProtection.KeysFolder = azure is null ? Directory.CreateTempSubdirectory("relay-keys-").FullName : null;
        var builder = new InProcessTestClusterBuilder(options.Silos);
        if (azure is not null)
        {
            builder.Options.ServiceId = azure.ServiceId;
        }

        builder.ConfigureSilo((_, silo) =>
        {
            if (azure is not null)
            {
                silo.AddRelayAzureProviders(azure);
            }
            else
            {
                silo.AddRelayProviders();
            }

            if (options.Providers is TestProviders.Shared)
            {
                silo.Services.AddKeyedSingleton<IGrainStorage>(RelayStorage.Name, (sp, _) => storage.For(sp.GetRequiredService<Serializer>()));
                silo.Services.AddKeyedSingleton<IGrainStorage>(RelayStorage.Large, (sp, _) => largeStorage.For(sp.GetRequiredService<Serializer>()));
            }

            silo.Services.AddRelayKeyRing(keyRing);
            AddDomain(silo.Services, options);
            silo.AddIncomingGrainCallFilter(faults);
        });
        builder.ConfigureClient(client =>
        {
            if (azure is not null)
            {
                client.AddRelayAzureClientStreams(azure);
            }
            else
            {
                client.AddRelayClientStreams();
            }
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new RelayTestCluster(cluster, faults, storage, largeStorage, keyRing.DataProtection.KeysFolder);
    }

    /// <summary>The test's CRM, or the NetServer adapter, under Relay's production service registration.</summary>
    private static void AddDomain(IServiceCollection services, RelayTestClusterOptions options)
    {
        var relay = new RelayOptions();
        relay.Crm.AllowedHosts = [.. options.AllowedCrmHosts];
        if (options.Crm is { } crm)
        {
            if (crm is InMemoryCrm memory)
            {
                services.AddSingleton(memory);
            }

            services.AddSingleton(crm);
            relay.Crm.Mode = CrmMode.InMemory;
        }
        else
        {
            services.AddNetServerCrm(o => o.CallTimeout = options.NetServerCallTimeout ?? o.CallTimeout);
            relay.Crm.Mode = CrmMode.NetServer;
        }

        services.AddRelayDomain(relay);
        options.ConfigureServices?.Invoke(services);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_keysFolder is not null)
        {
            Directory.Delete(_keysFolder, recursive: true);
        }
    }
}
