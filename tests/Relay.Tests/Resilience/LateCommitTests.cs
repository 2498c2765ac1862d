using Orleans.Runtime;
using Relay.Contacts;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>
/// A membership change that SuperOffice commits after Relay gave up on it, against the emulator over HTTP: Relay holds
/// later changes of the same target back until such a commit can no longer land, so the last trigger decides.
/// </summary>
public sealed class LateCommitTests
{
    [Fact]
    public async Task An_add_to_selection_committed_late_cannot_undo_the_later_remove_of_the_same_selection()
    {
        // Calls give up after two seconds; the first add is held four and then committed, after Relay retried it (at about
        // three seconds). Without a fence the remove would follow at once, and the late add would undo it.
        await using var run = await LateAddAsync(silos: 1, hold: TimeSpan.FromSeconds(4), settle: TimeSpan.FromSeconds(8));

        var view = await run.SettledAsync(TimeSpan.FromSeconds(60));

        run.Late.Fired.ShouldBe(1);
        view.Outcomes.Select(o => (o.TriggerId, o.Status)).ShouldBe([(run.Add.Id, OutcomeStatus.Succeeded), (run.Remove.Id, OutcomeStatus.Succeeded)]);
        view.Outcomes[0].Attempts.ShouldBe(2, "the timed-out add was repeated");
        run.AssertTheRemoveCameLastAndStands();
    }

    [Fact]
    public async Task The_fence_outlives_the_silo_that_held_the_contact()
    {
        // The contact's silo dies while the remove waits, well before the late add lands (15 s): the contact comes back on
        // the other silo from storage, fence included, and the remove still waits for the settle window (30 s).
        await using var run = await LateAddAsync(silos: 2, hold: TimeSpan.FromSeconds(15), settle: TimeSpan.FromSeconds(30));
        await Eventually.GetAsync(
            () => run.Relay.ViewAsync(run.Tenant, "c1"),
            v => v is { Outbox.Length: 1 } && v.Outbox[0].LastErrorType == SetOperations.SettlingType,
            "the remove to wait for the uncertain add to settle");

        var contact = run.Relay.Client.GetGrain<IContactGrain>(ContactKey.Of(run.Tenant, "c1"));
        var host = (await run.Relay.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(contact)).ShouldNotBeNull();
        await run.Relay.Cluster.KillSiloAsync(run.Relay.Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));
        await run.Relay.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        (await run.Relay.ViewAsync(run.Tenant, "c1")).ShouldNotBeNull().Outbox.ShouldHaveSingleItem().Key.ShouldStartWith(run.Remove.Id);

        await run.SettledAsync(TimeSpan.FromSeconds(90));

        run.AssertTheRemoveCameLastAndStands();
    }

    /// <summary>
    /// A cluster whose calls give up after two seconds, a contact with an add and then a remove of one selection queued,
    /// and the emulator holding the first add for <paramref name="hold"/> before it commits it.
    /// </summary>
    private static async Task<LateAdd> LateAddAsync(short silos, TimeSpan hold, TimeSpan settle)
    {
        var relay = await EmulatorCluster.StartAsync(silos, callTimeout: TimeSpan.FromSeconds(2), retryMaxBackoff: TimeSpan.FromSeconds(1), setOperationSettle: settle);
        var store = relay.Emulator.Store;
        var selection = store.AddSelection("Late commit").SelectionId;
        var email = Build.Email();
        var person = store.AddPerson("Ann", "Berg", email).PersonId;
        var tenant = await relay.CreateTenantAsync(
            1000,
            Build.Automation(TriggerType.FormSubmitted, new AddToSelectionAction(selection)),
            Build.Automation(TriggerType.EmailOpened, new RemoveFromSelectionAction(selection)));
        var late = relay.Emulator.Faults.Add(new FaultRule
        {
            Operation = "Selection.AddContactSelectionMembers", Kind = FaultKind.CommitLate, HangMs = (int)hold.TotalMilliseconds, Count = 1,
        });
        var run = new LateAdd(relay, tenant, selection, person, late, Build.Trigger(TriggerType.FormSubmitted, "c1", email, second: 1), Build.Trigger(TriggerType.EmailOpened, "c1", email, second: 2));
        await relay.SendAsync(tenant, run.Add, run.Remove);
        return run;
    }

    private sealed record LateAdd(EmulatorCluster Relay, string Tenant, int Selection, int PersonId, FaultRule Late, Trigger Add, Trigger Remove) : IAsyncDisposable
    {
        private EmulatorStore Store => Relay.Emulator.Store;

        /// <summary>Waits for both changes to succeed and for the late add to be committed as well.</summary>
        public async Task<ContactView> SettledAsync(TimeSpan timeout)
        {
            var view = await Eventually.GetAsync(
                () => Relay.ViewAsync(Tenant, "c1"), v => v is { Outbox.IsEmpty: true, Outcomes.Length: 2 }, "the add and the remove to succeed", timeout);
            await Eventually.ThatAsync(() => Writes().Count(e => e.Operation == "AddContactSelectionMembers") == 2, "the late add to be committed as well", timeout);
            return view!;
        }

        public void AssertTheRemoveCameLastAndStands()
        {
            Writes().Select(e => e.Operation).ShouldBe(
                ["AddContactSelectionMembers", "AddContactSelectionMembers", "RemoveContactSelectionMembers"], "the remove went out after the late commit");
            Store.Read(s => s.Selections[Selection].Members.Any(m => m.PersonId == PersonId)).ShouldBeFalse("the last trigger asked for a remove");
        }

        public ValueTask DisposeAsync() => Relay.DisposeAsync();

        private List<LedgerEntry> Writes() => [.. Store.Ledger().Where(e => e.EntityType == "SelectionMember" && e.EntityId == Selection)];
    }
}
