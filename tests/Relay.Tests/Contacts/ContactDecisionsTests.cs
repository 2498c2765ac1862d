using Relay.Contacts;
using Relay.Crm;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>The contact's decisions, without a cluster.</summary>
public sealed class ContactDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan MaxBackoff = new Relay.Resilience.CrmRetryOptions().MaxBackoff;

    private static readonly Automation Sale = new("sale", null, new AutomationMatch(TriggerType.EmailClicked),
        [new CreateSaleAction("Interest", 1, null, 10, ActionOwner.CompanyAssociate), new AddInterestAction(3)]);

    private static readonly TenantConfig Config = new("t", new TenantSettings(null, new TenantCrmSettings("memory://t"), DefaultOwnerAssociateId: 9), [Sale], 1);

    [Fact]
    public void A_matching_trigger_queues_each_action_with_its_idempotency_key()
    {
        var state = new ContactState();
        var trigger = Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se", id: "evt-1");

        ContactDecisions.Accept(state, trigger, Config, Now).ShouldBe(TriggerDisposition.ActionsQueued);

        state.Outbox.Select(i => i.Key).ShouldBe(["evt-1:sale:0", "evt-1:sale:1"]);
        state.Timeline.Single().AutomationIds.ShouldBe(["sale"]);
        state.NeedsResolution.ShouldBeTrue();
    }

    [Fact]
    public void A_trigger_no_automation_matches_is_recorded_and_a_new_contact_is_looked_up_once_per_email()
    {
        var state = new ContactState();

        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se"), Config, Now).ShouldBe(TriggerDisposition.LookupQueued);
        state.Timeline.Count.ShouldBe(1);
        state.Outbox.ShouldBeEmpty();
        state.NeedsResolution.ShouldBeTrue();

        state.LookedUpWithoutMatch = true;
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se"), Config, Now).ShouldBe(TriggerDisposition.Recorded);
        state.NeedsResolution.ShouldBeFalse();

        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "new@b.se"), Config, Now).ShouldBe(TriggerDisposition.LookupQueued);
    }

    [Fact]
    public void The_oldest_chunk_of_the_timeline_is_due_for_archiving_once_two_chunks_are_held_and_stays_due_until_archived()
    {
        var state = new ContactState();
        var size = ContactDecisions.TimelineChunkSize;
        for (var i = 0; i < (2 * size) - 1; i++)
        {
            ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c1", "ann@example.com", id: $"evt-{i}"), Config, Now);
        }

        ContactDecisions.TimelineChunkDue(state).ShouldBeEmpty();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c1", "ann@example.com", id: $"evt-{(2 * size) - 1}"), Config, Now);

        var due = ContactDecisions.TimelineChunkDue(state);
        due.Select(e => e.TriggerId).ShouldBe(Enumerable.Range(0, size).Select(i => $"evt-{i}"));
        ContactDecisions.TimelineChunkDue(state).ShouldBe(due, "the same chunk until it is archived");
        ContactDecisions.TimelineChunkArchived(state);
        state.TimelineChunks.ShouldBe(1);
        state.TimelineChunkSize.ShouldBe(size, "kept, so that pages find the chunks whatever the default becomes");
        state.Timeline.Count.ShouldBe(size);
        state.Timeline[0].TriggerId.ShouldBe($"evt-{size}");
        state.TimelineTotal.ShouldBe(2 * size);
        ContactDecisions.TimelineChunkDue(state).ShouldBeEmpty();
    }

    [Fact]
    public void A_seen_trigger_id_changes_nothing()
    {
        var state = new ContactState();
        var trigger = Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se");
        ContactDecisions.Accept(state, trigger, Config, Now);

        ContactDecisions.Accept(state, trigger, Config, Now).ShouldBe(TriggerDisposition.Duplicate);

        state.Timeline.Count.ShouldBe(1);
        state.Outbox.Count.ShouldBe(2);
        state.DuplicatesDropped.ShouldBe(1);
    }

    [Fact]
    public void The_dedupe_window_is_bounded()
    {
        var state = new ContactState();
        for (var i = 0; i < ContactDecisions.DedupeWindow + 10; i++)
        {
            ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se", id: $"e{i}"), Config, Now);
        }

        state.RecentTriggerHashes.Count.ShouldBe(ContactDecisions.DedupeWindow);
        state.RecentTriggerHashes[0].ShouldBe(ContactDecisions.TriggerHash("e10"));
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se", id: "e10"), Config, Now).ShouldBe(TriggerDisposition.Duplicate);
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se", id: "e9"), Config, Now).ShouldNotBe(TriggerDisposition.Duplicate);
    }

    [Fact]
    public void Trigger_ids_stored_before_they_were_hashed_still_drop_their_redeliveries()
    {
        var state = new ContactState { RecentTriggerIds = ["e1", "e2"] };

        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se", id: "e2"), Config, Now).ShouldBe(TriggerDisposition.Duplicate);

        state.RecentTriggerIds.ShouldBeEmpty();
        state.RecentTriggerHashes.ShouldBe([ContactDecisions.TriggerHash("e1"), ContactDecisions.TriggerHash("e2")]);
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se", id: "e1"), Config, Now).ShouldBe(TriggerDisposition.Duplicate);
    }

    [Fact]
    public void A_contact_that_archived_chunks_of_five_hundred_before_keeps_that_size()
    {
        // A state written before the chunk size was kept: one chunk of 500 archived, 500 entries held.
        var state = new ContactState { TimelineChunks = 1 };
        for (var i = 0; i < 999; i++)
        {
            ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c1", "ann@example.com", id: $"evt-{i}"), Config, Now);
        }

        ContactDecisions.ChunkSize(state).ShouldBe(ContactDecisions.FirstTimelineChunkSize);
        state.TimelineTotal.ShouldBe(1499);
        ContactDecisions.TimelineChunkDue(state).ShouldBeEmpty();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c1", "ann@example.com", id: "evt-999"), Config, Now);
        ContactDecisions.TimelineChunkDue(state).Length.ShouldBe(500);
        ContactDecisions.TimelineChunkArchived(state);
        state.TimelineChunkSize.ShouldBe(500);
        state.TimelineTotal.ShouldBe(1500);
    }

    [Fact]
    public void Later_triggers_keep_fields_they_do_not_repeat()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailOpened, "c", "a@b.se"), Config, Now);

        ContactDecisions.Accept(state, new Trigger("e2", TriggerType.EmailOpened, Now, new ContactFields("c", Email: "new@b.se")), Config, Now);

        state.Fields!.Email.ShouldBe("new@b.se");
        state.Fields.FirstName.ShouldBe("Ann");
        state.Fields.Company!.Name.ShouldBe("Berg AB");
    }

    [Fact]
    public void No_match_is_a_new_lead_one_is_a_link_several_are_an_ambiguous_lead()
    {
        var ann = new CrmPersonMatch(1, "Ann", 10, "Berg AB", "a@b.se");
        var per = new CrmPersonMatch(2, "Per", 10, "Berg AB", "a@b.se");

        ContactDecisions.Resolve([]).ShouldBeOfType<PersonResolution.NewLead>();
        ContactDecisions.Resolve([ann]).ShouldBe(new PersonResolution.Link(ann));
        ContactDecisions.Resolve([ann, ann]).ShouldBe(new PersonResolution.Link(ann));
        ContactDecisions.Resolve([ann, per]).ShouldBeOfType<PersonResolution.AmbiguousLead>().Candidates.ShouldBe([ann, per]);
    }

    [Fact]
    public void A_lead_holds_its_actions_until_it_is_linked()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se"), Config, Now);
        ContactDecisions.BecomeLead(state, new PersonResolution.NewLead(), Now);

        ContactDecisions.NextDue(state, Now, out _).ShouldBeNull();
        state.NeedsResolution.ShouldBeFalse();
        state.LeadIndexDirty.ShouldBeTrue();

        ContactDecisions.LinkTo(state, new CrmPerson(5, "Ann", "Berg", "a@b.se", 10, "Berg AB", 7), LinkSource.Approved, Now);

        state.Lead.ShouldBeNull();
        ContactDecisions.NextDue(state, Now, out _).ShouldBe(state.Outbox[0]);
    }

    [Fact]
    public void A_person_id_from_the_trigger_that_differs_from_the_link_is_checked_again()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se"), Config, Now);
        ContactDecisions.LinkTo(state, new CrmPerson(5, null, null, null, null, null, null), LinkSource.EmailMatch, Now);
        state.NeedsResolution.ShouldBeFalse();

        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se", crmPersonId: 6), Config, Now);

        state.NeedsResolution.ShouldBeTrue();
    }

    [Fact]
    public void A_transient_failure_waits_with_growing_backoff_and_blocks_later_actions()
    {
        var state = Linked();
        var first = state.Outbox[0];

        var delay = ContactDecisions.FailedTransiently(state, first, new CrmException(CrmErrorKind.Uncertain, "Timeout", "timed out"), Now, jitter: 0.5, MaxBackoff);

        delay.ShouldBe(TimeSpan.FromSeconds(1));
        ContactDecisions.NextDue(state, Now, out var wait).ShouldBeNull();
        wait.ShouldBe(TimeSpan.FromSeconds(1));
        state.Outbox[0].OutcomeUncertain.ShouldBeTrue();
        state.Outbox[0].Attempts.ShouldBe(1);
        ContactDecisions.NextDue(state, Now.AddSeconds(1), out _).ShouldBe(state.Outbox[0]);
        ContactDecisions.Backoff(3, 0.5, MaxBackoff).ShouldBe(TimeSpan.FromSeconds(4));
        ContactDecisions.Backoff(30, 0.5, MaxBackoff).ShouldBe(MaxBackoff);
        ContactDecisions.Backoff(30, 0.5, TimeSpan.FromSeconds(5)).ShouldBe(TimeSpan.FromSeconds(5));
        ContactDecisions.Backoff(1, 0, MaxBackoff).ShouldBe(TimeSpan.FromSeconds(0.8));
        ContactDecisions.Backoff(1, 0.999, MaxBackoff).TotalSeconds.ShouldBeLessThan(1.2);
    }

    [Fact]
    public void A_permanent_failure_is_parked_and_the_next_action_becomes_due()
    {
        var state = Linked();
        var first = state.Outbox[0];

        ContactDecisions.Park(state, first, new CrmException(CrmErrorKind.Permanent, "SelectionNotFound", "no such selection"), Now);

        state.Parked.Single().LastErrorType.ShouldBe("SelectionNotFound");
        state.Outcomes.Single().Status.ShouldBe(OutcomeStatus.Parked);
        ContactDecisions.NextDue(state, Now, out _)!.ActionIndex.ShouldBe(1);
    }

    [Fact]
    public void A_discarded_parked_action_leaves_for_good_with_an_outcome_and_the_parked_index_is_told()
    {
        var state = Linked();
        var (first, second) = (state.Outbox[0], state.Outbox[1]);
        ContactDecisions.Park(state, first, new CrmException(CrmErrorKind.Permanent, "SaleTypeNotFound", "no such sale type"), Now);
        ContactDecisions.Park(state, second, new CrmException(CrmErrorKind.Permanent, "InterestNotFound", "no such interest"), Now);
        state.ParkedIndexDirty = false;

        ContactDecisions.Discard(state, "no-such-key", null, Now).ShouldBe(0);
        state.ParkedIndexDirty.ShouldBeFalse();
        ContactDecisions.Discard(state, null, "InterestNotFound", Now.AddMinutes(1)).ShouldBe(1);

        state.Parked.Single().Key.ShouldBe(first.Key);
        state.Outbox.ShouldBeEmpty();
        state.ParkedIndexDirty.ShouldBeTrue();
        state.Outcomes[^1].ShouldBe(state.Outcomes[^1] with
        {
            Key = second.Key, Status = OutcomeStatus.Discarded, PersonId = 5, ErrorType = "InterestNotFound", Error = "no such interest", At = Now.AddMinutes(1),
        });
        ContactDecisions.Discard(state, first.Key, null, Now).ShouldBe(1);
        state.Parked.ShouldBeEmpty();
        ContactDecisions.NextDue(state, Now, out _).ShouldBeNull();
    }

    [Fact]
    public void The_owner_is_the_fixed_associate_or_the_company_associate_or_the_tenant_default()
    {
        var withAssociate = new PersonLink(1, 10, 7, LinkSource.EmailMatch, Now);
        var withoutCompany = new PersonLink(1, null, null, LinkSource.EmailMatch, Now);

        ContactDecisions.OwnerFor(ActionOwner.Associate(3), withAssociate, Config.Settings).ShouldBe(3);
        ContactDecisions.OwnerFor(ActionOwner.CompanyAssociate, withAssociate, Config.Settings).ShouldBe(7);
        ContactDecisions.OwnerFor(ActionOwner.CompanyAssociate, withoutCompany, Config.Settings).ShouldBe(9);
    }

    private static ContactState Linked()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se"), Config, Now);
        ContactDecisions.LinkTo(state, new CrmPerson(5, null, null, null, null, null, null), LinkSource.EmailMatch, Now);
        return state;
    }

    [Fact]
    public void Created_objects_leave_the_state_a_page_at_a_time_once_two_pages_are_held_but_not_while_an_erasure_clears_old_pages()
    {
        var size = ContactDecisions.CreatedObjectPageSize;
        var state = new ContactState();
        state.CreatedObjects.AddRange(Enumerable.Range(1, (2 * size) - 1).Select(i => new CrmCreatedObject(CrmObjectKind.Sale, i)));
        ContactDecisions.CreatedObjectPageDue(state).ShouldBeEmpty();

        state.CreatedObjects.Add(new CrmCreatedObject(CrmObjectKind.Appointment, 2 * size));
        state.Erasure = new ErasureWork(ErasureSteps.EventDetails, 0, [], [], [], CreatedObjectPages: 3);
        ContactDecisions.CreatedObjectPageDue(state).ShouldBeEmpty("an erased contact's pages 0 to 2 are still being cleared");

        state.Erasure = null;
        var page = ContactDecisions.CreatedObjectPageDue(state);
        page.Select(o => o.Id).ShouldBe(Enumerable.Range(1, size));
        ContactDecisions.CreatedObjectPageDue(state).ShouldBe(page, "the same page until it is archived");
        ContactDecisions.CreatedObjectPageArchived(state);
        state.CreatedObjectPages.ShouldBe(1);
        state.CreatedObjects.Select(o => o.Id).ShouldBe(Enumerable.Range(size + 1, size));
    }
}
