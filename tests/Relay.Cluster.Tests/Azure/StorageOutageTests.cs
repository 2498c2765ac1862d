using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.TestingHost;
using Relay.Contacts;
using Relay.Crm;
using Relay.Hosting;
using Relay.Hosting.Streams;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Cluster.Tests.Azure;

/// <summary>
/// The Table service stops for several delivery windows while the queues stay up: the triggers sent meanwhile cannot
/// reach their contacts (whose state cannot be read), are given back to their queue instead of dropped, and arrive once
/// the Table service is back, each once.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private const int Contacts = 4;
    private readonly Azurite _azurite = new(separateServices: true);

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task Triggers_that_cannot_be_stored_for_longer_than_the_delivery_window_wait_in_their_queue_and_arrive_once()
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
        await using var relay = await RelayTestCluster.StartAsync(new RelayTestClusterOptions { Silos = 2, Crm = new InMemoryCrm(), Providers = TestProviders.Azure, Azure = settings });
        var client = relay.Client;
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        (await client.GetGrain<ITenantGrain>(tenant).PutSettingsAsync(new TenantSettings("Outage", new TenantCrmSettings("memory://" + tenant), DefaultOwnerAssociateId: 99))).Errors.ShouldBeEmpty();

        await SendAsync(client, tenant, first: 0, count: 2);
        await TimelinesAsync(client, tenant, 2, "the triggers sent before the outage");

        await _azurite.StopAsync("table");
        await SendAsync(client, tenant, first: 2, count: 3);
        await Eventually.ThatAsync(() => Silos(relay.Cluster).Sum(s => s.GetRequiredService<TriggerRedelivery>().Waiting) >= Contacts, "the undeliverable triggers to be given back to their queues");
        var degraded = await Eventually.GetAsync(() => ReadinessAsync(relay.Cluster), r => r.Status == HealthStatus.Degraded, "readiness to report the outage");
        degraded.Description.ShouldNotBeNull().ShouldContain("waiting in their queues for redelivery");

        await _azurite.StartAsync("table");
        var views = await TimelinesAsync(client, tenant, 5, "every trigger after the outage");
        foreach (var view in views)
        {
            view.Timeline.Select(t => t.TriggerId).Order(StringComparer.Ordinal).ShouldBe(
                Enumerable.Range(0, 5).Select(n => $"{view.ContactId}-{n}").Order(StringComparer.Ordinal), "each trigger once");
        }

        await Eventually.ThatAsync(() => Silos(relay.Cluster).Sum(s => s.GetRequiredService<TriggerRedelivery>().Waiting) == 0, "no trigger to wait any more");
        (await ReadinessAsync(relay.Cluster)).Status.ShouldBe(HealthStatus.Healthy);
    }

    private static IEnumerable<IServiceProvider> Silos(InProcessTestCluster cluster) =>
        cluster.Silos.Select(s => cluster.GetSiloServiceProvider(s.SiloAddress));

    /// <summary>The worst delivery health over the silos.</summary>
    private static async Task<HealthCheckResult> ReadinessAsync(InProcessTestCluster cluster)
    {
        var results = await Task.WhenAll(Silos(cluster).Select(sp =>
            new DeliveryHealthCheck(sp.GetService<Relay.Hosting.Storage.StorageHealth>(), sp.GetService<TriggerRedelivery>()).CheckHealthAsync(new HealthCheckContext())));
        return results.MinBy(r => r.Status);
    }

    private static async Task<ContactView[]> TimelinesAsync(IClusterClient client, string tenant, int count, string what) =>
        await Task.WhenAll(Enumerable.Range(0, Contacts).Select(c => Eventually.GetAsync(
            () => client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c" + c)).GetViewAsync(0, 50),
            v => v?.TimelineTotal >= count,
            $"{what} on c{c}'s timeline",
            TimeSpan.FromMinutes(2)))).ContinueWith(t => t.Result.Select(v => v!).ToArray(), TaskScheduler.Default);

    private static async Task SendAsync(IClusterClient client, string tenant, int first, int count)
    {
        var provider = client.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        for (var c = 0; c < Contacts; c++)
        {
            var contact = "c" + c;
            var stream = provider.GetStream<TriggerEnvelope>(Orleans.Runtime.StreamId.Create(RelayStorage.TriggerStreamNamespace, ContactKey.Of(tenant, contact)));
            foreach (var n in Enumerable.Range(first, count))
            {
                var trigger = Build.Trigger(TriggerType.EmailOpened, contact, contact + "@example.com", id: $"{contact}-{n}", second: n);
                await stream.OnNextAsync(new TriggerEnvelope(tenant, trigger, DateTimeOffset.UtcNow));
            }
        }
    }
}
