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

/// <summary>
/// The rate measurements, on a three-silo cluster of their own, alone after the parallel tests. A token bucket cannot
/// give out a second's permits that its silos were too starved to ask for in that second: CI once measured 7.4 calls/s
/// against a limit of 10 while the browser tests ran beside it (10.00 alone).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RateMeasurementCollection : ICollectionFixture<ResilienceClusterFixture>
{
    public const string Name = "rate measurements";
}
