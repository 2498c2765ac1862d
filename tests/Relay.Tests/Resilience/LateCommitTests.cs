using Relay.Contacts;
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
        await using var relay = await EmulatorCluster.StartAsync(
            silos: 1, callTimeout: TimeSpan.FromSeconds(2), retryMaxBackoff: TimeSpan.FromSeconds(1), setOperationSettle: TimeSpan.FromSeconds(8));
        var store = relay.Emulator.Store;
        var selection = store.AddSelection("Late commit").SelectionId;
        var email = Build.Email();
        var person = store.AddPerson("Ann", "Berg", email).PersonId;
        var tenant = await relay.CreateTenantAsync(
            1000,
            Build.Automation(TriggerType.FormSubmitted, new AddToSelectionAction(selection)),
            Build.Automation(TriggerType.EmailOpened, new RemoveFromSelectionAction(selection)));
        var late = relay.Emulator.Faults.Add(new FaultRule { Operation = "Selection.AddContactSelectionMembers", Kind = FaultKind.CommitLate, HangMs = 4000, Count = 1 });
        var add = Build.Trigger(TriggerType.FormSubmitted, "c1", email, second: 1);
        var remove = Build.Trigger(TriggerType.EmailOpened, "c1", email, second: 2);

        await relay.SendAsync(tenant, add, remove);
        var view = (await Eventually.GetAsync(
            () => relay.ViewAsync(tenant, "c1"), v => v is { Outbox.IsEmpty: true, Outcomes.Length: 2 }, "the add and the remove to succeed", TimeSpan.FromSeconds(60)))!;
        var writes = await Eventually.GetAsync(
            () => Task.FromResult(store.Ledger().Where(e => e.EntityType == "SelectionMember" && e.EntityId == selection).ToList()),
            w => w.Count(e => e.Operation == "AddContactSelectionMembers") == 2,
            "the late add to be committed as well", TimeSpan.FromSeconds(30));

        late.Fired.ShouldBe(1);
        view.Outcomes.Select(o => (o.TriggerId, o.Status)).ShouldBe([(add.Id, OutcomeStatus.Succeeded), (remove.Id, OutcomeStatus.Succeeded)]);
        view.Outcomes[0].Attempts.ShouldBe(2, "the timed-out add was repeated");
        writes.Select(e => e.Operation).ShouldBe(["AddContactSelectionMembers", "AddContactSelectionMembers", "RemoveContactSelectionMembers"], "the remove went out after the late commit");
        store.Read(s => s.Selections[selection].Members.Any(m => m.PersonId == person)).ShouldBeFalse("the last trigger asked for a remove");
    }
}
