using System.Reflection;
using Orleans.TestingHost;
using Relay.Crm;
using Relay.Hosting;

namespace Relay.Cluster.Tests.Azure;

/// <summary>
/// Azurite plus a way to start <see cref="InProcessTestCluster"/>s whose state, streams and reminders are Relay's
/// Azure providers. A test picks its own service id, so its tables rows, blobs and queues are its own; starting a
/// second cluster with the same service id is a restart that finds everything the first one stored.
/// </summary>
public sealed class AzureClusterFixture : IAsyncLifetime
{
    /// <summary>The emulator every cluster of this fixture stores into.</summary>
    public Azurite Azurite { get; } = new();

    public Task InitializeAsync() => Azurite.InitializeAsync();

    public Task DisposeAsync() => Azurite.DisposeAsync();

    /// <summary>A fresh service id, valid for Azure queue names.</summary>
    public static string NewServiceId() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The settings the clusters use: the Azure provider set against this Azurite.</summary>
    public OrleansSettings Settings(string serviceId) => new()
    {
        Providers = ProviderKind.Azure,
        ServiceId = serviceId,
        Azure = new AzureSettings { ConnectionString = Azurite.ConnectionString, QueueCount = 4 },
    };

    /// <summary>Starts a cluster of <paramref name="silos"/> silos whose contacts call <paramref name="crm"/>.</summary>
    public async Task<InProcessTestCluster> StartClusterAsync(string serviceId, ICrm crm, short silos = 1)
    {
        var settings = Settings(serviceId);
        settings.Azure.Validate(serviceId).ShouldBeEmpty();
        var relay = await RelayTestCluster.StartAsync(new RelayTestClusterOptions { Silos = silos, Crm = crm, Providers = TestProviders.Azure, Azure = settings });
        return relay.Cluster;
    }
}

/// <summary>The collection that shares one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class AzureCollection : ICollectionFixture<AzureClusterFixture>
{
    public const string Name = "azure";
}

/// <summary>A CRM that fails every call transiently while <see cref="Failing"/> is set, and otherwise forwards.</summary>
public class SwitchableCrm : DispatchProxy
{
    private ICrm _inner = null!;

    /// <summary>Whether calls fail as an unreachable SuperOffice would.</summary>
    public bool Failing { get; set; }

    /// <summary>A switchable CRM in front of <paramref name="inner"/>.</summary>
    public static (ICrm Crm, SwitchableCrm Switch) Over(ICrm inner)
    {
        var crm = Create<ICrm, SwitchableCrm>();
        var proxy = (SwitchableCrm)(object)crm;
        proxy._inner = inner;
        return (crm, proxy);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        Failing
            ? throw new CrmException(CrmErrorKind.Transient, "Unavailable", "SuperOffice does not answer (test switch)")
            : targetMethod!.Invoke(_inner, args);
}
