using System.Net;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers.Streams.AzureQueue;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using Relay.Hosting.Storage;
using Relay.Hosting.Streams;

namespace Relay.Hosting;

/// <summary>
/// The <c>Azure</c> provider set: Table clustering, Table grain state for small state, Blob grain state for large
/// per-tenant indexes (a Table entity caps at 1 MiB), Azure Queue trigger streams and Table reminders. Silos and
/// clients build their storage clients here, from the same settings.
/// </summary>
public static class AzureProviders
{
    /// <summary>The table that holds grain state.</summary>
    public const string StateTable = "RelayState";

    /// <summary>The blob container that holds large grain state.</summary>
    public const string LargeStateContainer = "relay-large";

    /// <summary>Membership (Azure Table), endpoints, state, streams and reminders of a silo.</summary>
    public static ISiloBuilder AddRelayAzureSilo(this ISiloBuilder silo, OrleansSettings o)
    {
        var clients = new AzureClients(o.Azure);
        var advertised = string.IsNullOrWhiteSpace(o.AdvertisedIPAddress) ? null : IPAddress.Parse(o.AdvertisedIPAddress);
        silo.ConfigureEndpoints(advertised ?? Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? IPAddress.Loopback,
            o.SiloPort, o.GatewayPort, listenOnAnyHostAddress: true);
        if (!string.IsNullOrWhiteSpace(o.SiloName))
        {
            silo.Configure<SiloOptions>(s => s.SiloName = o.SiloName);
        }

        silo.UseAzureStorageClustering(c => c.TableServiceClient = clients.Tables);
        return silo.AddRelayAzureProviders(o, clients);
    }

    /// <summary>State, streams and reminders without membership (test clusters bring their own).</summary>
    public static ISiloBuilder AddRelayAzureProviders(this ISiloBuilder silo, OrleansSettings o) =>
        silo.AddRelayAzureProviders(o, new AzureClients(o.Azure));

    /// <summary>The trigger queues a client that produces triggers needs, without membership.</summary>
    public static IClientBuilder AddRelayAzureClientStreams(this IClientBuilder client, OrleansSettings o) =>
        client.AddRelayAzureClientStreams(o, new AzureClients(o.Azure));

    private static ISiloBuilder AddRelayAzureProviders(this ISiloBuilder silo, OrleansSettings o, AzureClients clients)
    {
        silo.Services.AddRelayDeliveryWatch();
        silo.AddAzureTableGrainStorage(RelayStorage.Name, ob => ob.Configure<Serializer>((t, serializer) =>
        {
            t.TableServiceClient = clients.Tables;
            t.TableName = StateTable;
            t.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.AddAzureBlobGrainStorage(RelayStorage.Large, ob => ob.Configure<Serializer>((b, serializer) =>
        {
            b.BlobServiceClient = clients.Blobs;
            b.ContainerName = LargeStateContainer;
            b.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.Services.Observe(RelayStorage.Name, AzureTableGrainStorageFactory.Create);
        silo.Services.Observe(RelayStorage.Large, AzureBlobGrainStorageFactory.Create);
        silo.AddAzureQueueStreams(RelayStorage.TriggerStreamProvider, s =>
        {
            s.ConfigureAzureQueue(ob => ob.Configure(q => ConfigureQueues(q, o, clients)));
            s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            s.ConfigurePullingAgent(ob => ob.Configure(a => a.MaxEventDeliveryTime = o.Azure.DeliveryWindow));
        });

        // Registered after Orleans' own, so the provider gets this one: a queue message goes only once its contact took the trigger.
        silo.Services.AddKeyedSingleton<IQueueAdapterFactory>(RelayStorage.TriggerStreamProvider, (sp, key) =>
            new RedeliveringQueueAdapterFactory(AzureQueueAdapterFactory.Create(sp, (string)key!), sp.GetRequiredService<TriggerRedelivery>()));
        silo.UseAzureTableReminderService(r => r.TableServiceClient = clients.Tables);
        return silo;
    }

    /// <summary>Puts <see cref="ObservedGrainStorage"/> in front of the named storage, after Orleans registered it.</summary>
    private static void Observe<T>(this IServiceCollection services, string name, Func<IServiceProvider, string, T> create)
        where T : IGrainStorage =>
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new ObservedGrainStorage(name, create(sp, name), sp.GetRequiredService<StorageHealth>()));

    /// <summary>Gateways from the membership table, and the trigger queues to produce into.</summary>
    public static IClientBuilder AddRelayAzureClient(this IClientBuilder client, OrleansSettings o)
    {
        var clients = new AzureClients(o.Azure);
        client.UseAzureStorageClustering(g => g.TableServiceClient = clients.Tables);
        client.AddRelayAzureClientStreams(o, clients);

        // Silos come and go: learn about new gateways within seconds, and keep trying while none answers.
        client.Configure<GatewayOptions>(g => g.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
        client.Services.AddSingleton<IClientConnectionRetryFilter, RetryWhileStarting>();
        return client;
    }

    private static IClientBuilder AddRelayAzureClientStreams(this IClientBuilder client, OrleansSettings o, AzureClients clients) =>
        client.AddAzureQueueStreams(RelayStorage.TriggerStreamProvider, s =>
        {
            s.ConfigureAzureQueue(ob => ob.Configure(q => ConfigureQueues(q, o, clients)));
            s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
        });

    private static void ConfigureQueues(AzureQueueOptions q, OrleansSettings o, AzureClients clients)
    {
        q.QueueServiceClient = clients.Queues;
        q.QueueNames = [.. o.Azure.QueueNames(o.ServiceId)];
        q.MessageVisibilityTimeout = o.Azure.MessageVisibilityTimeout;
    }

    /// <summary>The three storage clients, from a connection string or from service URIs and one credential.</summary>
    internal sealed class AzureClients
    {
        public AzureClients(AzureSettings s)
        {
            var (tables, blobs, queues) = (Retrying(new TableClientOptions(), s), Retrying(new BlobClientOptions(), s), Retrying(new QueueClientOptions(), s));
            if (!s.UsesServiceUris)
            {
                Tables = new TableServiceClient(s.ConnectionString, tables);
                Blobs = new BlobServiceClient(s.ConnectionString, blobs);
                Queues = new QueueServiceClient(s.ConnectionString, queues);
                return;
            }

            TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = s.ManagedIdentityClientId });
            Tables = new TableServiceClient(new Uri(s.TableServiceUri!), credential, tables);
            Blobs = new BlobServiceClient(new Uri(s.BlobServiceUri!), credential, blobs);
            Queues = new QueueServiceClient(new Uri(s.QueueServiceUri!), credential, queues);
        }

        /// <summary>The SDK's retry policy, from the settings: exponential backoff from half a second to four, and a per-try timeout.</summary>
        private static T Retrying<T>(T options, AzureSettings s)
            where T : ClientOptions
        {
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.MaxRetries = s.StorageRetries;
            options.Retry.Delay = TimeSpan.FromMilliseconds(500);
            options.Retry.MaxDelay = TimeSpan.FromSeconds(4);
            options.Retry.NetworkTimeout = s.StorageTryTimeout;
            return options;
        }

        public TableServiceClient Tables { get; }

        public BlobServiceClient Blobs { get; }

        public QueueServiceClient Queues { get; }
    }

    /// <summary>A web host may start before any silo: retry the first connection every few seconds until it is stopped.</summary>
    private sealed class RetryWhileStarting(ILogger<RetryWhileStarting> logger) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            logger.LogWarning("No silo answers yet ({Message}); trying again in 2 s", exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }
    }
}
