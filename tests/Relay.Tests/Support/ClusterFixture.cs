using Orleans.Runtime;
using Orleans.TestingHost;
using Relay.Contacts;
using Relay.Crm;
using Relay.Leads;
using Relay.NetServerEmulator;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Support;

/// <summary>
/// A two-silo <see cref="RelayTestCluster"/> with the embedded providers and one CRM shared by both silos, with the
/// helpers the pipeline tests use. Tests share it and keep apart by using their own tenant ids and e-mail addresses.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    private RelayTestCluster _relay = null!;

    /// <summary>The CRM behind the port, as tests see it.</summary>
    public ITestCrm Crm { get; private set; } = null!;

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster => _relay.Cluster;

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Both grain storages of the cluster (the default and the large one), as stored outside the silos; empty rows unless the variant keeps state there.</summary>
    public IReadOnlyList<SharedGrainStore> Stores => [_relay.Storage, _relay.LargeStorage];

    /// <summary>Faults the tests may inject into grain calls.</summary>
    public GrainCallFaults Faults => _relay.Faults;

    /// <summary>How many silos the cluster starts with.</summary>
    protected virtual short Silos => 2;

    public async Task InitializeAsync()
    {
        Crm = await StartCrmAsync();
        var options = new RelayTestClusterOptions { Silos = Silos };
        Configure(options);
        _relay = await RelayTestCluster.StartAsync(options);
    }

    public virtual async Task DisposeAsync() => await _relay.DisposeAsync();

    /// <summary>Starts the CRM the silos will call.</summary>
    protected abstract Task<ITestCrm> StartCrmAsync();

    /// <summary>Chooses the cluster's variant: its CRM port (the NetServer adapter unless set), and any services of its own.</summary>
    protected virtual void Configure(RelayTestClusterOptions cluster)
    {
    }

    /// <summary>Creates a tenant with its own id and the given automations.</summary>
    public async Task<string> CreateTenantAsync(params Automation[] automations) =>
        await CreateTenantAsync(s => s, automations);

    /// <summary>Creates a tenant with its own id, settings changed by <paramref name="change"/>, and the given automations.</summary>
    public Task<string> CreateTenantAsync(Func<TenantSettings, TenantSettings> change, params Automation[] automations) =>
        CreateTenantAsync(CrmProtocol.Soap, change, automations);

    /// <summary>The same, with the tenant speaking <paramref name="protocol"/> to NetServer (a CRM without protocols ignores it).</summary>
    public async Task<string> CreateTenantAsync(CrmProtocol protocol, Func<TenantSettings, TenantSettings> change, params Automation[] automations)
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        var tenant = Client.GetGrain<ITenantGrain>(tenantId);
        (await tenant.PutSettingsAsync(change(new TenantSettings("Test", Crm.TenantCrm(tenantId) with { Protocol = protocol }, DefaultOwnerAssociateId: 99)))).Errors.ShouldBeEmpty();
        (await tenant.PutAutomationsAsync([.. automations])).Errors.ShouldBeEmpty();
        return tenantId;
    }

    /// <summary>Sends triggers on their contacts' streams, in order, as the ingest API does.</summary>
    public async Task SendAsync(string tenantId, params Trigger[] triggers)
    {
        var provider = Client.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        foreach (var trigger in triggers)
        {
            var stream = provider.GetStream<TriggerEnvelope>(TriggerLanes.For(tenantId, trigger.Contact.Id));
            await stream.OnNextAsync(new TriggerEnvelope(tenantId, trigger, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>The contact grain.</summary>
    public IContactGrain Contact(string tenantId, string contactId) => Client.GetGrain<IContactGrain>(ContactKey.Of(tenantId, contactId));

    /// <summary>The contact as the API shows it.</summary>
    public Task<ContactView?> ViewAsync(string tenantId, string contactId, int take = 50) => Contact(tenantId, contactId).GetViewAsync(0, take);

    /// <summary>Waits until the contact has processed <paramref name="timelineCount"/> triggers and has no outbox work left that can run.</summary>
    public Task<ContactView> SettledAsync(string tenantId, string contactId, int timelineCount = 1) =>
        Eventually.GetAsync(
            () => ViewAsync(tenantId, contactId),
            v => v is not null && v.TimelineTotal >= timelineCount && (v.Outbox.IsEmpty || v.Status is ContactStatus.NewLead or ContactStatus.AmbiguousLead),
            $"contact {contactId} of {tenantId} to record {timelineCount} trigger(s) and drain its outbox")!;

    /// <summary>Waits until the tenant's lead index holds <paramref name="count"/> leads.</summary>
    public Task<LeadPage> LeadsAsync(string tenantId, int count) =>
        Eventually.GetAsync(
            () => LeadIndex.GetPageAsync(Client, tenantId, 0, 100),
            p => p.Total == count,
            $"{count} lead(s) in the lead index of {tenantId}");
}

/// <summary>The cluster with the in-memory CRM.</summary>
public sealed class InMemoryClusterFixture : ClusterFixture
{
    private readonly InMemoryCrm _crm = new();

    protected override Task<ITestCrm> StartCrmAsync() => Task.FromResult<ITestCrm>(new InMemoryTestCrm(_crm));

    protected override void Configure(RelayTestClusterOptions cluster) => cluster.Crm = _crm;
}

/// <summary>
/// The cluster with the NetServer adapters calling an emulator over HTTP: SOAP, or REST for tenants created with
/// <see cref="CrmProtocol.Rest"/>; both reach the same emulator store.
/// </summary>
public sealed class EmulatorClusterFixture : ClusterFixture
{
    /// <summary>The emulator.</summary>
    public RunningEmulator Emulator { get; private set; } = null!;

    protected override async Task<ITestCrm> StartCrmAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        return new EmulatorTestCrm(Emulator);
    }

    // State kept outside the silos, as Azure storage keeps it, so that tests can read every stored row (the erasure tests).
    protected override void Configure(RelayTestClusterOptions cluster) => cluster.Providers = TestProviders.Shared;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>The collection that shares the in-memory cluster.</summary>
[CollectionDefinition(Name)]
public sealed class InMemoryClusterCollection : ICollectionFixture<InMemoryClusterFixture>
{
    public const string Name = "in-memory cluster";
}

/// <summary>The collection that shares the emulator cluster.</summary>
[CollectionDefinition(Name)]
public sealed class EmulatorClusterCollection : ICollectionFixture<EmulatorClusterFixture>
{
    public const string Name = "emulator cluster";
}
