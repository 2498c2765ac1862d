using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Relay.Contacts;
using Relay.Crm;
using Relay.DeadLetters;
using Relay.NetServerEmulator.Data;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>Permanent CRM errors are parked once and replayed after the fix; poison triggers go to the dead letters.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class ParkingAndDeadLetterTests(ResilienceClusterFixture fixture)
{
    private EmulatorCluster Relay => fixture.Cluster;

    private EmulatorStore Store => fixture.Cluster.Emulator.Store;

    [Fact]
    public async Task A_missing_selection_is_parked_once_and_replay_succeeds_once_it_exists()
    {
        var email = Build.Email();
        var person = Store.AddPerson("Ann", "Berg", email).PersonId;
        var selectionId = Store.Write(s => s.NextId()); // an id no selection has yet
        var tenant = await Relay.CreateTenantAsync(10, Build.Automation(TriggerType.EmailOpened, new AddToSelectionAction(selectionId), new AddInterestAction(4)));

        await Relay.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "c1", email));
        var view = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { Outbox.IsEmpty: true, Parked.Length: 1 }, "the selection action to be parked");
        var report = await Eventually.GetAsync(() => Relay.Client.GetGrain<IParkedIndexGrain>(tenant).GetAsync(null, 0, 10), r => r.Total == 1, "the parked index to list it");

        view.ShouldNotBeNull();
        view.Parked[0].LastErrorType.ShouldBe("SelectionNotFound");
        view.Parked[0].Attempts.ShouldBe(1);
        view.Outcomes.Select(o => o.Status).ShouldBe([OutcomeStatus.Parked, OutcomeStatus.Succeeded]);
        report.Groups.ShouldHaveSingleItem().ShouldBe(new ParkedGroup("SelectionNotFound", 1, 1, view.Parked[0].LastError));
        Relay.Requests(tenant).Count(r => r.Operation == "AddContactSelectionMembers").ShouldBe(1);

        Store.Write(s => s.Selections[selectionId] = new SelectionRecord { SelectionId = selectionId, Name = "Created later", SelectionType = "Static" });
        var replayed = await ParkedInBulk.ReplayAsync(Relay.Client, tenant, "SelectionNotFound");
        await Eventually.ThatAsync(() => Store.Read(s => s.Selections[selectionId].Members.Any(m => m.PersonId == person)), "the replayed action to add the person");
        view = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { Outbox.IsEmpty: true, Parked.IsEmpty: true, Outcomes.Length: 3 }, "the replay's outcome");
        report = await Eventually.GetAsync(() => Relay.Client.GetGrain<IParkedIndexGrain>(tenant).GetAsync(null, 0, 10), r => r.Total == 0, "the parked index to empty");

        replayed.ShouldBe(1);
        view.ShouldNotBeNull();
        view.Outcomes[^1].ShouldBe(view.Outcomes[^1] with { Status = OutcomeStatus.Succeeded, Kind = ActionKind.AddToSelection });
        report.Groups.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_poison_trigger_is_dead_lettered_with_its_reason_and_the_contacts_next_trigger_is_processed()
    {
        var email = Build.Email();
        var person = Store.AddPerson("Ann", "Berg", email).PersonId;
        var tenant = await Relay.CreateTenantAsync(10, Build.Automation(TriggerType.EmailOpened, new AddInterestAction(3)));
        var poison = Build.Trigger(TriggerType.EmailOpened, "c1", email, id: new string('x', TriggerParser.MaxIdLength + 1));
        var good = Build.Trigger(TriggerType.EmailOpened, "c1", email);

        // A producer bug: c1's lane carries a trigger whose id ingest would have refused; then c1's own trigger follows.
        await Relay.SendAsync(ContactKey.Of(tenant, "c1"), new TriggerEnvelope(tenant, poison, DateTimeOffset.UtcNow));
        await Relay.SendAsync(tenant, good);
        var view = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { TimelineTotal: 1, Outbox.IsEmpty: true, Outcomes.Length: 1 }, "c1's own trigger to be processed");
        var letters = await Relay.Client.GetGrain<IDeadLetterGrain>(tenant).GetAsync(null, 0, 10);

        view.ShouldNotBeNull().Timeline.ShouldHaveSingleItem().TriggerId.ShouldBe(good.Id);
        Store.Read(s => s.Persons[person].InterestIds.Contains(3)).ShouldBeTrue();
        var letter = letters.Items.ShouldHaveSingleItem();
        letter.ShouldBe(letter with { ContactKey = ContactKey.Of(tenant, "c1"), TriggerId = poison.Id, ErrorType = "InvalidTriggerId" });
        letter.Reason.ShouldContain($"1–{TriggerParser.MaxIdLength} characters");
        letters.ByErrorType.ShouldBe(new Dictionary<string, int> { ["InvalidTriggerId"] = 1 });
    }

    [Fact]
    public async Task A_dead_lettered_trigger_is_counted_as_dead_lettered_and_not_as_a_duplicate()
    {
        using var deadLettered = new CounterRecorder("relay.triggers.deadlettered");
        using var deduplicated = new CounterRecorder("relay.triggers.deduplicated");
        var tenant = await Relay.CreateTenantAsync(10);
        var poison = Build.Trigger(TriggerType.EmailOpened, "c1", Build.Email(), id: new string('x', TriggerParser.MaxIdLength + 1));

        await Relay.SendAsync(ContactKey.Of(tenant, "c1"), new TriggerEnvelope(tenant, poison, DateTimeOffset.UtcNow));
        await Eventually.GetAsync(() => Relay.Client.GetGrain<IDeadLetterGrain>(tenant).GetAsync(null, 0, 10), l => l.Items.Length == 1, "the trigger in the dead letters");

        await Eventually.ThatAsync(() => deadLettered.Sum("tenant", tenant) == 1, "the dead letter to be counted");
        deadLettered.Tags("tenant", tenant).ShouldHaveSingleItem()["error_type"].ShouldBe("InvalidTriggerId");
        deduplicated.Sum("tenant", tenant).ShouldBe(0, "the tenant's only trigger was no duplicate");
    }

    /// <summary>Records the measurements of one counter of Relay's meter, from every silo in this process, while alive.</summary>
    private sealed class CounterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)> _measurements = new();

        public CounterRecorder(string instrument)
        {
            _listener.InstrumentPublished = (i, listener) =>
            {
                if (i.Meter.Name == RelayMetrics.MeterName && i.Name == instrument)
                {
                    listener.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
                _measurements.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
            _listener.Start();
        }

        public long Sum(string tag, string value) => _measurements.Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

        public List<Dictionary<string, object?>> Tags(string tag, string value) => [.. _measurements.Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Select(m => m.Tags)];

        public void Dispose() => _listener.Dispose();
    }
}
