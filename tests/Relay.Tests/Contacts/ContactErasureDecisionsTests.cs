using Relay.Consent;
using Relay.Contacts;
using Relay.Crm;
using Relay.Feed;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>The tombstone an erasure leaves and the rule that keeps old triggers out, without a cluster.</summary>
public sealed class ContactErasureDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly Automation Sale = new("sale", null, new AutomationMatch(TriggerType.EmailClicked),
        [new CreateSaleAction("Interest", 1, null, 10, ActionOwner.CompanyAssociate)]);

    private static readonly TenantConfig Config = new("t", new TenantSettings(null, new TenantCrmSettings("memory://t"), DefaultOwnerAssociateId: 9), [Sale], 1);

    [Fact]
    public void The_tombstone_keeps_the_dedupe_window_the_feed_numbering_and_the_consent_proof_and_nothing_personal()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "ann@b.se", id: "evt-1"), Config, Now);
        ContactDecisions.LinkTo(state, new CrmPerson(5, "Ann", "Berg", "ann@b.se", 10, "Berg AB", 7), LinkSource.EmailMatch, Now);
        state.IndexedLink = state.Link;
        state.Consents["email-marketing"] = new ConsentRecord("email-marketing", "consent", true, "web-form", "Ann said yes on the phone", Now, ConsentOrigin.Relay, Now, Now);
        FeedEvents.Raise(state, "c", FeedEventTypes.LeadLinked, Now, new FeedEventData(PersonId: 5));
        state.PendingFeedEvents.Clear();

        var tombstone = ContactErasure.Tombstone(state, "c", "dpo", Now.AddHours(1));

        tombstone.IsTombstone.ShouldBeTrue();
        tombstone.Fields.ShouldBeNull();
        tombstone.Link.ShouldBeNull();
        tombstone.Timeline.ShouldBeEmpty();
        tombstone.Outbox.ShouldBeEmpty();
        tombstone.Consents.ShouldBeEmpty();
        tombstone.RecentTriggerHashes.ShouldBe([ContactDecisions.TriggerHash("evt-1")]);
        tombstone.ErasedConsents["email-marketing"].ShouldBe(state.Consents["email-marketing"] with { Comment = null, SyncedAt = null });
        tombstone.PendingFeedEvents.ShouldHaveSingleItem().ShouldBe(new FeedEvent("c:2", FeedEventTypes.ContactErased, "c", Now.AddHours(1), new FeedEventData(By: "dpo")));
        tombstone.Erasure.ShouldNotBeNull().Steps.ShouldBe(ErasureSteps.All);
        tombstone.Erasure.PersonIds.ShouldBe([5]);
        tombstone.Erasure.EmailHashes.ShouldBe([ContactErasure.EmailHash(" Ann@B.se ")], "the address as imports compare it, and only as a hash");
        tombstone.Pending.ShouldBe(PendingWork.LeadIndex | PendingWork.LinkIndex | PendingWork.FeedEvents | PendingWork.Erasure, "it takes itself off the indexes; it needs no lookup");
    }

    [Fact]
    public void A_trigger_that_occurred_before_the_erasure_is_dropped_and_a_later_one_starts_a_new_contact()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "ann@b.se", id: "evt-1"), Config, Now);
        state = ContactErasure.Tombstone(state, "c", "dpo", Now.AddHours(1));

        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "ann@b.se", id: "evt-1"), Config, Now.AddHours(2)).ShouldBe(TriggerDisposition.Duplicate);
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "ann@b.se", id: "evt-late") with { OccurredAt = Now.AddHours(1) }, Config, Now.AddHours(2))
            .ShouldBe(TriggerDisposition.Erased);
        state.IsTombstone.ShouldBeTrue();

        var disposition = ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "ann@b.se", id: "evt-new") with { OccurredAt = Now.AddHours(3) }, Config, Now.AddHours(3));

        disposition.ShouldBe(TriggerDisposition.ActionsQueued);
        state.FirstSeen.ShouldBe(Now.AddHours(3));
        state.Timeline.ShouldHaveSingleItem().TriggerId.ShouldBe("evt-new");
        state.IsTombstone.ShouldBeFalse();
    }
}
