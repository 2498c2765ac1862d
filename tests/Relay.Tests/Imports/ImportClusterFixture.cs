using Orleans.TestingHost;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;

namespace Relay.Tests.Imports;

/// <summary>
/// Two silos whose grain storage survives a silo kill (<see cref="TestProviders.Shared"/>, standing in for Azure
/// storage), the NetServer adapter, and an emulator holding a 100,000-member static selection and a
/// 20,000-member one, besides the demo data.
/// </summary>
public sealed class ImportClusterFixture : IAsyncLifetime
{
    /// <summary>Members of the big selection.</summary>
    public const int BigSelectionSize = 100_000;

    /// <summary>Members of the selection the silo-kill test imports.</summary>
    public const int KillSelectionSize = 20_000;

    private RelayTestCluster _relay = null!;

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster => _relay.Cluster;

    /// <summary>A client of the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Faults the tests may inject into grain calls.</summary>
    public GrainCallFaults Faults => _relay.Faults;

    /// <summary>The emulator.</summary>
    public RunningEmulator Emulator { get; private set; } = null!;

    /// <summary>The 100,000-member selection.</summary>
    public int BigSelectionId { get; private set; }

    /// <summary>The 20,000-member selection.</summary>
    public int KillSelectionId { get; private set; }

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        BigSelectionId = SeedSelection("Big import", BigSelectionSize, "big");
        KillSelectionId = SeedSelection("Kill import", KillSelectionSize, "kill");

        _relay = await RelayTestCluster.StartAsync(new RelayTestClusterOptions { Silos = 2, Providers = TestProviders.Shared });
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    /// <summary>A tenant on the emulator.</summary>
    public async Task<string> CreateTenantAsync(string servicesVersion = "75")
    {
        var tenantId = "t-" + Guid.NewGuid().ToString("N")[..12];
        var crm = new TenantCrmSettings(Emulator.BaseUrl.ToString().TrimEnd('/'), servicesVersion, DemoSeed.UserName, DemoSeed.Password);
        (await Client.GetGrain<ITenantGrain>(tenantId).PutSettingsAsync(new TenantSettings("Imports", crm))).Errors.ShouldBeEmpty();
        return tenantId;
    }

    /// <summary>
    /// A static selection of <paramref name="size"/> new persons across the demo companies: every 50th has no
    /// e-mail, every 100th (offset 7) shares the address of the member just before it in another letter case.
    /// </summary>
    private int SeedSelection(string name, int size, string tag)
    {
        var store = Emulator.Store;
        var companies = store.Read(s => s.Companies.Values.OrderBy(c => c.CompanyId).Select(c => c.CompanyId).ToList());
        var persons = new List<PersonRecord>(size);
        string? previous = null;
        for (var i = 0; i < size; i++)
        {
            var email = i % 50 == 0 ? null
                : i % 100 == 7 && previous is not null ? previous.ToUpperInvariant()
                : $"{tag}.{i}@import.example";
            var person = store.AddPerson($"First{i}", $"Last{i}", email, companies[i % companies.Count]);
            store.Write(_ =>
            {
                person.Title = i % 3 == 0 ? "CEO" : "Buyer, \"senior\"";
                person.OfficePhone = $"+46 8 {i:D6}";
                person.MobilePhone = $"+46 70 {i:D6}";
            });
            persons.Add(person);
            previous = email ?? previous;
        }

        var selection = store.AddSelection(name);
        store.AddSelectionMembers(selection.SelectionId, persons);
        return selection.SelectionId;
    }
}

/// <summary>The collection that shares the import cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ImportClusterCollection : ICollectionFixture<ImportClusterFixture>
{
    public const string Name = "import cluster";
}
