using Relay.Contacts;
using Relay.Crm;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>The contact's one notion of pending work, as the trigger path, the drain and the reminder all read it.</summary>
public sealed class PendingWorkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly PersonLink Link = new(4711, 12, 99, LinkSource.EmailMatch, Now);

    [Fact]
    public void A_linked_contact_with_nothing_flagged_has_no_pending_work()
    {
        new ContactState { Link = Link, LookedUpWithoutMatch = true }.Pending.ShouldBe(PendingWork.None);
    }

    [Fact]
    public void A_consent_change_waiting_for_SuperOffice_is_pending_once_the_contact_has_a_person_to_sync_it_to()
    {
        var state = new ContactState { LookedUpWithoutMatch = true, ConsentSyncPending = { "email-marketing" } };
        state.Pending.ShouldBe(PendingWork.None, "without a person there is nobody in SuperOffice to tell");

        state.Link = Link;

        state.Pending.ShouldBe(PendingWork.ConsentSync);
    }

    [Fact]
    public void A_lead_s_outbox_waits_for_sales_and_is_not_pending_but_its_lead_index_update_is()
    {
        var state = new ContactState
        {
            Lead = new LeadInfo(LeadReason.New, [], Now),
            LeadIndexDirty = true,
            Outbox = [new OutboxItem("k", "t", "a", 0, new AddInterestAction(3), TriggerType.EmailOpened, Now, Now, null, null)],
        };

        state.Pending.ShouldBe(PendingWork.LeadIndex);
    }

    [Fact]
    public void Every_index_kind_and_the_consent_log_count_as_pending()
    {
        var state = new ContactState
        {
            Link = Link,
            LookedUpWithoutMatch = true,
            LinkIndexDirty = true,
            ParkedIndexDirty = true,
            ConsentLogDirty = true,
            PendingEventDetails = [new Events.EventDetails(CrmObjectKind.Sale, 1, ActionKind.CreateSale, "t", TriggerType.EmailClicked, Now, "a", null, null, null, "c", "C", 4711, Now, "k")],
        };

        state.Pending.ShouldBe(PendingWork.LinkIndex | PendingWork.ParkedIndex | PendingWork.EventDetails | PendingWork.ConsentLog);
        (state.Pending & PendingWork.Indexes).ShouldBe(PendingWork.LinkIndex | PendingWork.ParkedIndex | PendingWork.EventDetails);
    }

    [Fact]
    public void A_contact_whose_person_is_unknown_must_be_looked_up()
    {
        new ContactState().Pending.ShouldBe(PendingWork.Resolution);
    }
}
