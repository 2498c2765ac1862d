using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using Relay.Contacts;
using Relay.Crm;
using Relay.Hosting;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Support;

/// <summary>
/// A two-silo <see cref="InProcessTestCluster"/> with Relay's providers and one in-memory CRM shared
/// by both silos. Tests share it and keep apart by using their own tenant ids and e-mail addresses.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The CRM every silo calls.</summary>
    public InMemoryCrm Crm { get; } = new();

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRelayProviders();
            silo.Services.AddSingleton(Crm);
            silo.Services.AddSingleton<ICrm>(Crm);
            silo.Services.AddRelayCrmPipeline();
        });
        builder.ConfigureClient(client => client.AddRelayClientStreams());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Creates a tenant with its own id and the given automations.</summary>
    public async Task<string> CreateTenantAsync(params Automation[] automations)
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        var tenant = Client.GetGrain<ITenantGrain>(tenantId);
        (await tenant.PutSettingsAsync(new TenantSettings("Test", new TenantCrmSettings("memory://" + tenantId), DefaultOwnerAssociateId: 99))).Errors.ShouldBeEmpty();
        (await tenant.PutAutomationsAsync([.. automations])).Errors.ShouldBeEmpty();
        return tenantId;
    }

    /// <summary>Sends triggers on their contacts' streams, in order, as the ingest API does.</summary>
    public async Task SendAsync(string tenantId, params Trigger[] triggers)
    {
        var provider = Client.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        foreach (var trigger in triggers)
        {
            var stream = provider.GetStream<TriggerEnvelope>(StreamId.Create(RelayStorage.TriggerStreamNamespace, ContactKey.Of(tenantId, trigger.Contact.Id)));
            await stream.OnNextAsync(new TriggerEnvelope(tenantId, trigger, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>The contact as the API shows it.</summary>
    public Task<ContactView?> ViewAsync(string tenantId, string contactId, int take = 50) =>
        Client.GetGrain<IContactGrain>(ContactKey.Of(tenantId, contactId)).GetViewAsync(0, take);

    /// <summary>Waits until the contact has processed <paramref name="timelineCount"/> triggers and has no outbox work left that can run.</summary>
    public Task<ContactView> SettledAsync(string tenantId, string contactId, int timelineCount = 1) =>
        Eventually.GetAsync(
            () => ViewAsync(tenantId, contactId),
            v => v is not null && v.TimelineTotal >= timelineCount && (v.Outbox.IsEmpty || v.Status is ContactStatus.NewLead or ContactStatus.AmbiguousLead),
            $"contact {contactId} of {tenantId} to record {timelineCount} trigger(s) and drain its outbox")!;
}

/// <summary>The collection that shares one cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
