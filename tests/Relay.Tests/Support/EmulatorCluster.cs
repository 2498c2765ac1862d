using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Relay.Crm.Online;
using Orleans.TestingHost;
using Relay.Contacts;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Online;
using Relay.NetServerEmulator.Soap;
using Relay.Resilience;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Support;

/// <summary>
/// A <see cref="RelayTestCluster"/> of several silos whose contacts call a NetServer emulator over HTTP through
/// the SOAP adapter and the whole CRM pipeline (circuit breaker, rate limit), with grain state in
/// <see cref="SharedGrainStore"/>s so that a silo can be killed without losing it. Each tenant reaches the emulator
/// under its own path segment, so the emulator's request log tells the tenants apart.
/// </summary>
public sealed class EmulatorCluster : IAsyncDisposable
{
    private readonly RelayTestCluster _relay;

    private EmulatorCluster(RelayTestCluster relay, RunningEmulator emulator)
    {
        _relay = relay;
        Emulator = emulator;
    }

    /// <summary>The <see cref="RelayStorage.Name"/> grain state every silo reads and writes.</summary>
    public SharedGrainStore Storage => _relay.Storage;

    /// <summary>The <see cref="RelayStorage.Large"/> grain state (the lead index) every silo reads and writes.</summary>
    public SharedGrainStore LargeStorage => _relay.LargeStorage;

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster => _relay.Cluster;

    /// <summary>The emulator.</summary>
    public RunningEmulator Emulator { get; }

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Faults the tests may inject into grain calls, and the activations that answered them.</summary>
    public GrainCallFaults Faults => _relay.Faults;

    /// <summary>
    /// Starts the emulator and a cluster of <paramref name="silos"/> silos; <paramref name="retryMaxBackoff"/> caps the
    /// wait between two attempts of an action (<see cref="CrmRetryOptions.MaxBackoff"/>), and
    /// <paramref name="setOperationSettle"/> how long a membership or interest change with an uncertain outcome holds back
    /// other changes of its target (<see cref="CrmRetryOptions.SetOperationSettle"/>). With <paramref name="online"/>, Relay
    /// is registered with the emulator as an Online application (a key pair made here) and its silos know the emulator
    /// as the Online environment <see cref="OnlineEnvironment"/>; a paused tenant comes back after <see cref="OnlineNotRunningRetryAfter"/>.
    /// </summary>
    public static async Task<EmulatorCluster> StartAsync(
        short silos, TimeSpan? callTimeout = null, TimeSpan? retryMaxBackoff = null, TimeSpan? setOperationSettle = null, bool online = false)
    {
        var emulator = await EmulatorHost.StartAsync();
        string? onlinePrivateKey = null;
        if (online)
        {
            using var key = RSA.Create(2048);
            emulator.Applications.Register(new OnlineApplication(OnlineClientId, OnlineClientSecret, key.ExportSubjectPublicKeyInfoPem(), ["https://relay.example/signin"]));
            onlinePrivateKey = key.ExportRSAPrivateKeyPem();
        }

        var relay = await RelayTestCluster.StartAsync(new RelayTestClusterOptions
        {
            Silos = silos,
            Providers = TestProviders.Shared,
            NetServerCallTimeout = callTimeout ?? TimeSpan.FromSeconds(10),
            ConfigureServices = services =>
            {
                services.Configure<CrmCircuitBreakerOptions>(o => o.BreakDuration = TimeSpan.FromSeconds(3));
                if (retryMaxBackoff is { } max)
                {
                    services.Configure<CrmRetryOptions>(o => o.MaxBackoff = max);
                }

                if (setOperationSettle is { } settle)
                {
                    services.Configure<CrmRetryOptions>(o => o.SetOperationSettle = settle);
                }

                if (onlinePrivateKey is not null)
                {
                    services.Configure<OnlineOptions>(o =>
                    {
                        o.ClientId = OnlineClientId;
                        o.ClientSecret = OnlineClientSecret;
                        o.PrivateKey = onlinePrivateKey;
                        o.Environments[OnlineEnvironment] = emulator.BaseUrl.ToString();
                        o.NotRunningRetryAfter = OnlineNotRunningRetryAfter;
                    });
                }
            },
        });
        return new EmulatorCluster(relay, emulator);
    }

    /// <summary>Relay's client id at the emulator's SuperID, with <c>online</c>.</summary>
    public const string OnlineClientId = "relay-cluster-tests";

    /// <summary>Relay's client secret (the ApplicationToken of its Online calls), with <c>online</c>.</summary>
    public const string OnlineClientSecret = "relay-cluster-secret";

    /// <summary>The name the silos know the emulator by as an Online environment.</summary>
    public const string OnlineEnvironment = "emu";

    /// <summary>How long work waits while the emulator's Online tenant is paused.</summary>
    public static readonly TimeSpan OnlineNotRunningRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Creates an Online tenant for the emulator's Online tenant (its context identifier), as an administrator's consent
    /// would: a system-user token the emulator issued to Relay, no address and no password.
    /// </summary>
    public async Task<string> CreateOnlineTenantAsync(int callsPerSecond, params Automation[] automations)
    {
        var tenantId = "o-" + Guid.NewGuid().ToString("N")[..12];
        var context = Emulator.Store.ContextIdentifier;
        var crm = new TenantCrmSettings(string.Empty, "88", Online: new TenantOnlineSettings(context, OnlineEnvironment, Emulator.Applications.IssueSystemToken(OnlineClientId, context)));
        var tenant = Client.GetGrain<ITenantGrain>(tenantId);
        (await tenant.PutSettingsAsync(new TenantSettings("Online", crm, DefaultOwnerAssociateId: 101, CrmCallsPerSecond: callsPerSecond))).Errors.ShouldBeEmpty();
        (await tenant.PutAutomationsAsync([.. automations])).Errors.ShouldBeEmpty();
        return tenantId;
    }

    /// <summary>Creates a tenant with its own id and path on the emulator, the given CRM rate, and automations.</summary>
    public Task<string> CreateTenantAsync(int callsPerSecond, params Automation[] automations) =>
        CreateTenantAsync(callsPerSecond, s => s, automations);

    /// <summary>The same, with the settings changed by <paramref name="change"/>.</summary>
    public async Task<string> CreateTenantAsync(int callsPerSecond, Func<TenantSettings, TenantSettings> change, params Automation[] automations)
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        var crm = new TenantCrmSettings($"{Emulator.BaseUrl.ToString().TrimEnd('/')}/{tenantId}", "75", NetServerEmulator.Data.DemoSeed.UserName, NetServerEmulator.Data.DemoSeed.Password);
        var tenant = Client.GetGrain<ITenantGrain>(tenantId);
        (await tenant.PutSettingsAsync(change(new TenantSettings("Test", crm, DefaultOwnerAssociateId: 101, CrmCallsPerSecond: callsPerSecond)))).Errors.ShouldBeEmpty();
        (await tenant.PutAutomationsAsync([.. automations])).Errors.ShouldBeEmpty();
        return tenantId;
    }

    /// <summary>The emulator's requests of one tenant, oldest first.</summary>
    public IReadOnlyList<RequestLogEntry> Requests(string tenantId) =>
        [.. Emulator.Requests.Snapshot().Where(r => r.Path.StartsWith($"/{tenantId}/", StringComparison.Ordinal))];

    /// <summary>Puts an envelope on a contact's trigger lane, as the ingest API does, retrying while the cluster recovers from a silo loss.</summary>
    public async Task SendAsync(string contactKey, TriggerEnvelope envelope)
    {
        var stream = Client.GetStreamProvider(RelayStorage.TriggerStreamProvider)
            .GetStream<TriggerEnvelope>(TriggerLanes.For(contactKey));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await stream.OnNextAsync(envelope);
                return;
            }
            catch (Exception) when (attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        }
    }

    /// <summary>Sends triggers on their contacts' lanes, each contact's in order.</summary>
    public Task SendAsync(string tenantId, params Trigger[] triggers) =>
        Parallel.ForEachAsync(triggers.GroupBy(t => t.Contact.Id), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (contact, _) =>
        {
            foreach (var trigger in contact)
            {
                await SendAsync(ContactKey.Of(tenantId, trigger.Contact.Id), new TriggerEnvelope(tenantId, trigger, DateTimeOffset.UtcNow));
            }
        });

    /// <summary>Whether the contact has its drain reminder registered, as the cluster's reminder table says.</summary>
    public async Task<bool> HasDrainReminderAsync(string tenantId, string contactId)
    {
        var grainId = Client.GetGrain<IContactGrain>(ContactKey.Of(tenantId, contactId)).GetGrainId();
        var table = Cluster.GetSiloServiceProvider(Cluster.Silos[0].SiloAddress).GetRequiredService<IReminderTable>();
        return (await table.ReadRow(grainId, "drain")) is not null;
    }

    /// <summary>The contact as the API shows it.</summary>
    public Task<ContactView?> ViewAsync(string tenantId, string contactId) =>
        Client.GetGrain<IContactGrain>(ContactKey.Of(tenantId, contactId)).GetViewAsync(0, 10);

    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
