using Orleans.Runtime;
using Orleans.Streams;
using Relay.Contacts;
using Relay.DeadLetters;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>Triggers reach their contacts through a fixed set of trigger lanes; what was queued before lanes still arrives.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class TriggerLaneTests(ResilienceClusterFixture fixture)
{
    private EmulatorCluster Relay => fixture.Cluster;

    [Fact]
    public void A_contacts_lane_is_fixed_across_processes_and_versions()
    {
        // Triggers may wait in a queue across a deploy: the lane of a key must never change.
        TriggerLanes.Lane("acme:c-1").ShouldBe(78);
        TriggerLanes.Lane("acme:c-2").ShouldBe(187);
        TriggerLanes.Lane("acme:ann@example.com").ShouldBe(103);
        TriggerLanes.For("acme", "c-1").ShouldBe(StreamId.Create(RelayStorage.TriggerStreamNamespace, "lane-78"));
    }

    [Fact]
    public async Task One_message_of_several_triggers_records_each_once_in_order_and_its_redelivery_changes_nothing()
    {
        var tenant = await Relay.CreateTenantAsync(10);
        var triggers = Enumerable.Range(0, 6).Select(i => Build.Trigger(TriggerType.EmailOpened, "c1", id: $"t{i}", second: i)).ToList();
        var message = triggers.Append(triggers[2]).Select(t => new TriggerEnvelope(tenant, t, DateTimeOffset.UtcNow)).ToList();
        var lane = Stream(TriggerLanes.For(tenant, "c1"));

        await lane.OnNextBatchAsync(message);
        var view = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { TimelineTotal: 6 }, "the message's six triggers");
        await lane.OnNextBatchAsync(message);
        await Relay.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "c1", id: "after", second: 9));
        var after = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { TimelineTotal: 7 }, "the trigger after the redelivered message");

        view!.Timeline.Select(e => e.TriggerId).ShouldBe(["t5", "t4", "t3", "t2", "t1", "t0"]);
        after!.Timeline.Select(e => e.TriggerId).ShouldBe(["after", "t5", "t4", "t3", "t2", "t1", "t0"]);
        after.DuplicatesDropped.ShouldBe(8, "the repeated t2, then the whole message of seven again");
    }

    [Fact]
    public async Task A_trigger_queued_on_a_contacts_own_stream_before_lanes_still_reaches_the_contact()
    {
        var tenant = await Relay.CreateTenantAsync(10);
        var trigger = Build.Trigger(TriggerType.EmailOpened, "c1");
        var own = Stream(StreamId.Create(RelayStorage.TriggerStreamNamespace, ContactKey.Of(tenant, "c1")));

        await own.OnNextAsync(new TriggerEnvelope(tenant, trigger, DateTimeOffset.UtcNow));
        var view = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { TimelineTotal: 1 }, "the trigger on the timeline");

        view!.Timeline.ShouldHaveSingleItem().TriggerId.ShouldBe(trigger.Id);
    }

    [Fact]
    public async Task Another_contacts_trigger_on_a_contacts_own_stream_is_dead_lettered_as_misrouted()
    {
        var tenant = await Relay.CreateTenantAsync(10);
        var misrouted = Build.Trigger(TriggerType.EmailOpened, "someone-else");
        var own = Stream(StreamId.Create(RelayStorage.TriggerStreamNamespace, ContactKey.Of(tenant, "c1")));

        await own.OnNextAsync(new TriggerEnvelope(tenant, misrouted, DateTimeOffset.UtcNow));
        var letters = await Eventually.GetAsync(() => Relay.Client.GetGrain<IDeadLetterGrain>(tenant).GetAsync(null, 0, 10), l => l.Total == 1, "the misrouted trigger in the dead letters");

        var letter = letters.Items.ShouldHaveSingleItem();
        letter.ShouldBe(letter with { ContactKey = ContactKey.Of(tenant, "c1"), TriggerId = misrouted.Id, ErrorType = "WrongContact" });
        (await Relay.ViewAsync(tenant, "someone-else")).ShouldBeNull();
    }

    [Fact]
    public async Task A_trigger_without_a_contact_on_a_lane_goes_to_its_tenants_dead_letters()
    {
        var tenant = await Relay.CreateTenantAsync(10);
        var nameless = Build.Trigger(TriggerType.EmailOpened, "c1") with { Contact = null! };
        var lane = Stream(TriggerLanes.For(tenant, "c1"));

        await lane.OnNextAsync(new TriggerEnvelope(tenant, nameless, DateTimeOffset.UtcNow));
        var letters = await Eventually.GetAsync(() => Relay.Client.GetGrain<IDeadLetterGrain>(tenant).GetAsync(null, 0, 10), l => l.Total == 1, "the trigger in the dead letters");

        letters.Items.ShouldHaveSingleItem().ShouldBe(letters.Items[0] with { TriggerId = nameless.Id, ErrorType = "MissingContact" });
    }

    /// <summary>A trigger stream as a producer sees it: a lane, or a contact's own stream (before lanes).</summary>
    private IAsyncStream<TriggerEnvelope> Stream(StreamId id) =>
        Relay.Client.GetStreamProvider(RelayStorage.TriggerStreamProvider).GetStream<TriggerEnvelope>(id);
}
