namespace Relay.Tests.Resilience;

/// <summary>A three-silo cluster against its own NetServer emulator, shared by the resilience tests.</summary>
public sealed class ResilienceClusterFixture : IAsyncLifetime
{
    /// <summary>The cluster and emulator.</summary>
    public EmulatorCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await EmulatorCluster.StartAsync(silos: 3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The collection that shares the three-silo resilience cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ResilienceClusterCollection : ICollectionFixture<ResilienceClusterFixture>
{
    public const string Name = "resilience cluster";
}
