using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Relay.Contacts;
using Relay.Crm;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>The order and fencing of membership and interest changes, without a cluster.</summary>
public sealed class SetOperationsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);

    private static readonly TenantConfig Config = new("t", new TenantSettings(null, new TenantCrmSettings("memory://t")),
    [
        new("add", null, new AutomationMatch(TriggerType.FormSubmitted), [new AddToSelectionAction(7), new AddInterestAction(3)]),
        new("remove", null, new AutomationMatch(TriggerType.EmailOpened), [new RemoveFromSelectionAction(7), new RemoveInterestAction(3)]),
        new("sale", null, new AutomationMatch(TriggerType.EmailClicked), [new CreateSaleAction("Pricing", 1, null, 10, ActionOwner.CompanyAssociate)]),
        new("other", null, new AutomationMatch(TriggerType.SmsClicked), [new AddInterestAction(4), new AddToSelectionAction(8)]),
    ], 1);

    [Fact]
    public void An_older_change_delivered_after_a_newer_one_of_the_same_target_is_superseded_and_never_queued()
    {
        var state = Linked();
        Accept(state, TriggerType.EmailOpened, "evt-new", 20);

        Accept(state, TriggerType.FormSubmitted, "evt-old", 10).ShouldBe(TriggerDisposition.Recorded);

        state.Outbox.Select(i => i.Key).ShouldBe(["evt-new:remove:0", "evt-new:remove:1"]);
        state.Outcomes.Select(o => (o.Key, o.Status, o.ErrorType)).ShouldBe(
            [("evt-old:add:0", OutcomeStatus.Superseded, SetOperations.SupersededType), ("evt-old:add:1", OutcomeStatus.Superseded, SetOperations.SupersededType)]);
        state.Outcomes[0].Error.ShouldNotBeNull().ShouldContain("evt-new");
        state.Timeline.Select(e => e.TriggerId).ShouldBe(["evt-new", "evt-old"]);
    }

    [Fact]
    public void A_change_that_occurred_at_the_same_time_as_the_newest_or_later_is_queued_in_arrival_order()
    {
        var state = Linked();
        Accept(state, TriggerType.EmailOpened, "evt-1", 20);
        Accept(state, TriggerType.FormSubmitted, "evt-2", 20);
        Accept(state, TriggerType.EmailOpened, "evt-3", 30);

        state.Outbox.Select(i => i.TriggerId).Distinct().ShouldBe(["evt-1", "evt-2", "evt-3"]);
        state.Outcomes.ShouldBeEmpty();
    }

    [Fact]
    public void An_older_change_of_another_target_is_not_superseded()
    {
        var state = Linked();
        Accept(state, TriggerType.EmailOpened, "evt-new", 20);

        Accept(state, TriggerType.SmsClicked, "evt-old", 10).ShouldBe(TriggerDisposition.ActionsQueued);

        state.Outbox.Count(i => i.TriggerId == "evt-old").ShouldBe(2);
    }

    [Fact]
    public void A_replayed_change_that_a_newer_trigger_decided_meanwhile_is_superseded_instead()
    {
        var state = Linked();
        Accept(state, TriggerType.FormSubmitted, "evt-old", 10);
        ContactDecisions.Park(state, state.Outbox[0], new CrmException(CrmErrorKind.Permanent, "SelectionNotFound", "no selection 7"), Now);
        Accept(state, TriggerType.EmailOpened, "evt-new", 20);

        ContactDecisions.Replay(state, key: "evt-old:add:0", errorType: null, Now).ShouldBe(1);

        state.Parked.ShouldBeEmpty();
        state.Outbox.ShouldNotContain(i => i.Key == "evt-old:add:0");
        state.Outcomes[^1].ShouldBe(state.Outcomes[^1] with { Key = "evt-old:add:0", Status = OutcomeStatus.Superseded });
    }

    [Fact]
    public void After_an_uncertain_add_a_later_remove_of_the_same_selection_waits_for_the_settle_window_without_an_attempt()
    {
        var state = Linked();
        Accept(state, TriggerType.FormSubmitted, "evt-1", 1);
        Accept(state, TriggerType.EmailOpened, "evt-2", 2);
        Uncertain(state, state.Outbox[0]);
        var settled = Now + Settle;

        var retry = ContactDecisions.NextDue(state, Now.AddSeconds(5), out _).ShouldNotBeNull();
        retry.Key.ShouldBe("evt-1:add:0", "the uncertain add itself is repeated: the same change");
        ContactDecisions.Succeeded(state, retry, null, Now.AddSeconds(5));
        ContactDecisions.Succeeded(state, state.Outbox[0], null, Now.AddSeconds(5));

        ContactDecisions.NextDue(state, Now.AddSeconds(6), out _).ShouldNotBeNull().Key.ShouldBe("evt-2:remove:1", "the interests are not fenced");
        ContactDecisions.Succeeded(state, state.Outbox[1], null, Now.AddSeconds(6));
        ContactDecisions.NextDue(state, Now.AddSeconds(6), out var wait).ShouldBeNull();
        wait.ShouldBe(settled - Now.AddSeconds(6));
        var held = state.Outbox.Single(i => i.Key == "evt-2:remove:0");
        held.ShouldBe(held with { Attempts = 0, NextAttemptAt = settled, LastErrorType = SetOperations.SettlingType });
        ContactDecisions.NextDue(state, settled, out _).ShouldNotBeNull().Key.ShouldBe("evt-2:remove:0");
    }

    [Fact]
    public void An_uncertain_interest_change_holds_back_changes_of_the_persons_other_interests_but_not_other_actions()
    {
        var state = Linked();
        Accept(state, TriggerType.FormSubmitted, "evt-1", 1);
        Uncertain(state, state.Outbox[1]);
        ContactDecisions.Succeeded(state, state.Outbox[0], null, Now);
        ContactDecisions.Succeeded(state, state.Outbox[0], null, Now);
        Accept(state, TriggerType.SmsClicked, "evt-2", 2);
        Accept(state, TriggerType.EmailClicked, "evt-3", 3);

        ContactDecisions.NextDue(state, Now.AddSeconds(1), out _).ShouldNotBeNull().Key.ShouldBe("evt-2:other:1", "another selection is not fenced");
        ContactDecisions.Succeeded(state, state.Outbox[1], null, Now.AddSeconds(1));
        ContactDecisions.NextDue(state, Now.AddSeconds(1), out _).ShouldNotBeNull().Key.ShouldBe("evt-3:sale:0");
        state.Outbox[0].LastErrorType.ShouldBe(SetOperations.SettlingType, "interest 4 is saved with interest 3's list");
    }

    [Fact]
    public void A_fence_is_kept_in_the_stored_state_and_one_is_set_for_a_change_that_may_have_been_in_flight_at_a_crash()
    {
        var state = Linked();
        Accept(state, TriggerType.FormSubmitted, "evt-1", 1);
        Accept(state, TriggerType.EmailOpened, "evt-2", 2);

        SetOperations.FenceInFlight(state, Now, Settle).ShouldBe(new SetOperationFence("selection:7", "selection:7", true, Now + Settle));

        var copy = SerializerRoundTrip(state);
        copy.Fences.ShouldBe(state.Fences);
        copy.SetIntents.ShouldBe(state.SetIntents);
        ContactDecisions.Succeeded(copy, copy.Outbox[0], null, Now);
        ContactDecisions.Succeeded(copy, copy.Outbox[0], null, Now);
        ContactDecisions.NextDue(copy, Now.AddSeconds(1), out _).ShouldNotBeNull().Key.ShouldBe("evt-2:remove:1");
        copy.Outbox[0].ShouldBe(copy.Outbox[0] with { Key = "evt-2:remove:0", NextAttemptAt = Now + Settle, LastErrorType = SetOperations.SettlingType });
    }

    private static void Uncertain(ContactState state, OutboxItem item)
    {
        ContactDecisions.FailedTransiently(state, item, new CrmException(CrmErrorKind.Uncertain, "Timeout", "timed out after it was sent"), Now, 0.5, TimeSpan.FromSeconds(1));
        SetOperations.Fence(state, item, Now, Settle).ShouldNotBeNull();
    }

    private static TriggerDisposition Accept(ContactState state, TriggerType type, string id, int second) =>
        ContactDecisions.Accept(state, Build.Trigger(type, "c", "a@b.se", id: id, second: second), Config, Now);

    private static ContactState Linked() => new() { Link = new PersonLink(1, 2, null, LinkSource.EmailMatch, Now) };

    private static ContactState SerializerRoundTrip(ContactState state)
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
        return serializer.Deserialize<ContactState>(serializer.SerializeToArray(state))!;
    }
}
