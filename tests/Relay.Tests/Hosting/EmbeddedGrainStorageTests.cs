using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Relay.Hosting;
using Relay.Hosting.Storage;

namespace Relay.Tests.Hosting;

/// <summary>
/// The embedded set's grain storage: state kept in the process, serialized, behind ETags, one store per cluster.
/// </summary>
public sealed class EmbeddedGrainStorageTests : IDisposable
{
    private const string StateName = "notes";

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly EmbeddedStateStore.ClusterHold _hold = EmbeddedStateStore.Hold("embedded-storage-tests/" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_write_from_an_activation_that_read_an_older_version_is_refused()
    {
        var storage = Storage();
        var grain = Grain();
        var first = await ReadAsync(storage, grain);
        var stale = await ReadAsync(storage, grain);
        first.State!.Add("first");
        await storage.WriteStateAsync(StateName, grain, first);

        stale.State!.Add("stale");
        var refused = await Should.ThrowAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));

        refused.StoredEtag.ShouldBe(first.ETag);
        (await ReadAsync(storage, grain)).State!.ShouldBe(["first"]);
    }

    [Fact]
    public async Task A_read_gives_what_was_written_not_what_the_live_state_became_after()
    {
        var storage = Storage();
        var grain = Grain();
        var live = await WrittenAsync(storage, grain, "written");

        live.State!.Add("changed, never written");
        var read = await ReadAsync(storage, grain);

        read.State.ShouldBe(["written"]);
        read.State.ShouldNotBeSameAs(live.State);
        read.ETag.ShouldBe(live.ETag);
        read.RecordExists.ShouldBeTrue();
    }

    [Fact]
    public async Task A_grain_with_nothing_stored_reads_a_new_state_without_an_ETag()
    {
        var read = await ReadAsync(Storage(), Grain());

        read.State.ShouldBeEmpty();
        read.ETag.ShouldBeNull();
        read.RecordExists.ShouldBeFalse();
    }

    [Fact]
    public async Task Cleared_state_reads_as_new_and_refuses_a_write_that_read_it_before_the_clear()
    {
        var storage = Storage();
        var grain = Grain();
        var state = await WrittenAsync(storage, grain, "erased");
        var stale = await ReadAsync(storage, grain);

        await storage.ClearStateAsync(StateName, grain, state);

        state.State.ShouldBeEmpty();
        (state.ETag, state.RecordExists).ShouldBe((null, false));
        var read = await ReadAsync(storage, grain);
        read.State.ShouldBeEmpty();
        (read.ETag, read.RecordExists).ShouldBe((null, false));
        await Should.ThrowAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grain, stale));
        await storage.WriteStateAsync(StateName, grain, read);
        read.RecordExists.ShouldBeTrue();
    }

    [Fact]
    public async Task The_two_storages_keep_their_states_apart()
    {
        var grain = Grain();
        await WrittenAsync(Storage(RelayStorage.Name), grain, "small");

        (await ReadAsync(Storage(RelayStorage.Large), grain)).RecordExists.ShouldBeFalse();
    }

    [Fact]
    public void A_cluster_s_store_is_dropped_when_its_last_silo_lets_go()
    {
        var cluster = "embedded-storage-tests/" + Guid.NewGuid().ToString("N");
        var first = EmbeddedStateStore.Hold(cluster);
        var second = EmbeddedStateStore.Hold(cluster);
        second.Store.ShouldBeSameAs(first.Store);
        first.Dispose();
        first.Dispose();

        using (var third = EmbeddedStateStore.Hold(cluster))
        {
            third.Store.ShouldBeSameAs(second.Store, "a silo of the cluster still holds it");
        }

        second.Dispose();
        using var later = EmbeddedStateStore.Hold(cluster);
        later.Store.ShouldNotBeSameAs(second.Store);
    }

    [Fact]
    public async Task Every_silo_of_a_cluster_reads_one_store_even_after_the_writer_stopped_and_another_cluster_has_its_own()
    {
        await using var cluster = await RelayTestCluster.StartAsync(new RelayTestClusterOptions { Silos = 2 });
        await using var other = await RelayTestCluster.StartAsync(new RelayTestClusterOptions { Silos = 1 });
        var grain = Grain();
        var reader = SiloStorage(cluster, 0);
        await WrittenAsync(SiloStorage(cluster, 1), grain, "on the second silo");

        await cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos[1]);

        (await ReadAsync(reader, grain)).State.ShouldBe(["on the second silo"]);
        (await ReadAsync(SiloStorage(other, 0), grain)).RecordExists.ShouldBeFalse();
    }

    public void Dispose()
    {
        _hold.Dispose();
        _services.Dispose();
    }

    private static IGrainStorage SiloStorage(RelayTestCluster relay, int silo) =>
        relay.Cluster.GetSiloServiceProvider(relay.Cluster.Silos[silo].SiloAddress).GetRequiredKeyedService<IGrainStorage>(RelayStorage.Name);

    private EmbeddedGrainStorage Storage(string name = RelayStorage.Name) => new(
        name,
        _hold.Store,
        new BinaryGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        _services.GetRequiredService<IActivatorProvider>());

    private static GrainId Grain() => GrainId.Create("contact", Guid.NewGuid().ToString("N"));

    private static async Task<GrainState<List<string>>> ReadAsync(IGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, grain, state);
        return state;
    }

    /// <summary>Reads the grain's state, adds <paramref name="note"/> and writes it, as an activation would; returns the live state.</summary>
    private static async Task<GrainState<List<string>>> WrittenAsync(IGrainStorage storage, GrainId grain, string note)
    {
        var state = await ReadAsync(storage, grain);
        state.State!.Add(note);
        await storage.WriteStateAsync(StateName, grain, state);
        return state;
    }
}
