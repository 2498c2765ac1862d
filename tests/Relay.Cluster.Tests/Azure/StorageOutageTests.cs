using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Configuration;
using Orleans.TestingHost;
using Relay.Contacts;
using Relay.Crm;
using Relay.Hosting;
using Relay.Hosting.Storage;
using Relay.Hosting.Streams;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Cluster.Tests.Azure;

/// <summary>
/// The Table service (Azurite's, a process of its own) stops for several delivery windows while the queues stay up:
/// the triggers sent meanwhile cannot reach their contacts, whose state cannot be read. They are given back to their
/// queue instead of dropped, readiness reports it, and once the Table service is back each arrives once and its queue
/// message goes.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private readonly Azurite _azurite = new(separateServices: true);

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task Triggers_that_cannot_be_stored_for_longer_than_the_delivery_window_wait_in_their_queue_and_arrive_once()
    {
        await OutageAsync(contacts: 4, knownBeforeOutage: true);
    }

    /// <summary>
    /// Contacts first seen during the outage cannot even be activated, and a small queue cache is purged around their
    /// stuck streams many times over: their triggers still wait in the queue, arrive once, and every message goes once
    /// its trigger was taken.
    /// </summary>
    [Fact]
    public async Task Triggers_of_contacts_that_cannot_be_activated_wait_in_their_queue_while_a_small_cache_is_purged_around_them()
    {
        await OutageAsync(contacts: 24, knownBeforeOutage: false, cacheSize: 20);
    }

    private async Task OutageAsync(int contacts, bool knownBeforeOutage, int? cacheSize = null)
    {
        var serviceId = AzureClusterFixture.NewServiceId();
        var settings = new OrleansSettings
        {
            Providers = ProviderKind.Azure,
            ServiceId = serviceId,
            Azure = new AzureSettings
            {
                ConnectionString = _azurite.ConnectionString,
                QueueCount = 2,
                DeliveryWindow = TimeSpan.FromSeconds(2),
                MessageVisibilityTimeout = TimeSpan.FromSeconds(5),
                StorageRetries = 1,
                StorageTryTimeout = TimeSpan.FromSeconds(2),
            },
        };
        settings.Azure.Validate(serviceId).ShouldBeEmpty();
        await using var relay = await RelayTestCluster.StartAsync(new RelayTestClusterOptions
        {
            Silos = 2,
            Crm = new InMemoryCrm(),
            Providers = TestProviders.Azure,
            Azure = settings,
            ConfigureServices = s => s.Configure<SimpleQueueCacheOptions>(RelayStorage.TriggerStreamProvider, o => o.CacheSize = cacheSize ?? o.CacheSize),
        });
        var client = relay.Client;
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        (await client.GetGrain<ITenantGrain>(tenant).PutSettingsAsync(new TenantSettings("Outage", new TenantCrmSettings("memory://" + tenant), DefaultOwnerAssociateId: 99))).Errors.ShouldBeEmpty();
        var names = Enumerable.Range(0, contacts).Select(c => "c" + c).ToList();
        var before = knownBeforeOutage ? 2 : 0;
        if (knownBeforeOutage)
        {
            await SendAsync(client, tenant, names, first: 0, count: before);
            await TimelinesAsync(client, tenant, names, before, "the triggers sent before the outage");
        }

        await _azurite.StopAsync("table");
        await SendAsync(client, tenant, names, first: before, count: 3);
        await Eventually.ThatAsync(() => Silos(relay.Cluster).Sum(s => s.GetRequiredService<TriggerRedelivery>().Waiting) >= contacts, "the undeliverable triggers to be given back to their queues");
        await Eventually.GetAsync(
            () => ReadinessAsync(relay.Cluster),
            r => r.Any(h => h.Status == HealthStatus.Degraded && h.Description!.Contains("waiting in their queues for redelivery", StringComparison.Ordinal)),
            "readiness to report the triggers waiting");

        await _azurite.StartAsync("table");
        var views = await TimelinesAsync(client, tenant, names, before + 3, "every trigger after the outage");
        foreach (var view in views)
        {
            view.Timeline.Select(t => t.TriggerId).Order(StringComparer.Ordinal).ShouldBe(
                Enumerable.Range(0, before + 3).Select(n => $"{view.ContactId}-{n}").Order(StringComparer.Ordinal), "each trigger once");
        }

        await Eventually.ThatAsync(() => Silos(relay.Cluster).Sum(s => s.GetRequiredService<TriggerRedelivery>().Waiting) == 0, "no trigger to wait any more");
        await Eventually.GetAsync(() => ReadinessAsync(relay.Cluster), r => r.All(h => h.Status == HealthStatus.Healthy), "readiness to be healthy again");
        await Eventually.ThatAsync(async () => await MessagesLeftAsync(settings) == 0, "every queue message to be deleted once its trigger was taken");
    }

    private async Task<int> MessagesLeftAsync(OrleansSettings settings)
    {
        var queues = new QueueServiceClient(_azurite.ConnectionString);
        var counts = await Task.WhenAll(settings.Azure.QueueNames(settings.ServiceId).Select(async n => (await queues.GetQueueClient(n).GetPropertiesAsync()).Value.ApproximateMessagesCount));
        return counts.Sum();
    }

    private static IEnumerable<IServiceProvider> Silos(InProcessTestCluster cluster) =>
        cluster.Silos.Select(s => cluster.GetSiloServiceProvider(s.SiloAddress));

    /// <summary>Each silo's delivery health, as its <c>/health/ready</c> reports it.</summary>
    private static Task<HealthCheckResult[]> ReadinessAsync(InProcessTestCluster cluster) =>
        Task.WhenAll(Silos(cluster).Select(sp =>
            new DeliveryHealthCheck(sp.GetService<StorageHealth>(), sp.GetService<TriggerRedelivery>()).CheckHealthAsync(new HealthCheckContext())));

    private static async Task<ContactView[]> TimelinesAsync(IClusterClient client, string tenant, List<string> contacts, int count, string what)
    {
        var views = await Task.WhenAll(contacts.Select(c => Eventually.GetAsync(
            () => ViewAsync(client.GetGrain<IContactGrain>(ContactKey.Of(tenant, c))),
            v => v?.TimelineTotal >= count,
            $"{what} on {c}'s timeline",
            TimeSpan.FromMinutes(2))));
        return [.. views.Select(v => v!)];
    }

    /// <summary>The contact's view; null while its state cannot be read (the Table service is just back and still refusing some calls).</summary>
    private static async Task<ContactView?> ViewAsync(IContactGrain contact)
    {
        try
        {
            return await contact.GetViewAsync(0, 50);
        }
        catch (OrleansException)
        {
            return null;
        }
    }

    private static async Task SendAsync(IClusterClient client, string tenant, List<string> contacts, int first, int count)
    {
        var provider = client.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        foreach (var contact in contacts)
        {
            var stream = provider.GetStream<TriggerEnvelope>(TriggerLanes.For(tenant, contact));
            foreach (var n in Enumerable.Range(first, count))
            {
                var trigger = Build.Trigger(TriggerType.EmailOpened, contact, contact + "@example.com", id: $"{contact}-{n}", second: n);
                await stream.OnNextAsync(new TriggerEnvelope(tenant, trigger, DateTimeOffset.UtcNow));
            }
        }
    }
}
