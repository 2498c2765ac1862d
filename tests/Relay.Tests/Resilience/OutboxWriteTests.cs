using Relay.Automations;
using Relay.Contacts;
using Relay.Leads;
using Relay.NetServerEmulator.Faults;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>How often a contact writes its state while it works through its outbox, and what those writes stop.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class OutboxWriteTests(ResilienceClusterFixture fixture)
{
    private const int Creates = 8;

    private EmulatorCluster Relay => fixture.Cluster;

    [Fact]
    public async Task A_backlog_of_creates_takes_one_state_write_per_create_not_two()
    {
        var (tenant, person, contact) = await QueueBehindLeadAsync(new CreateTaskAction(3, "Call back", 1, ActionOwner.CompanyAssociate), Creates);
        var store = Relay.Emulator.Store;
        var writesBefore = Relay.Storage.Writes(contact.GetGrainId());

        (await contact.LinkToPersonAsync(person, new SalesUser(102, "Anna Sales"))).Status.ShouldBe(LeadDecisionStatus.Done);
        var view = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { Outbox.IsEmpty: true, Outcomes.Length: Creates }, "every create made");

        view!.Outcomes.ShouldAllBe(o => o.Status == OutcomeStatus.Succeeded);
        store.Read(s => s.Appointments.Values.Count(a => a.PersonId == person)).ShouldBe(Creates);
        // Each create is marked sent (durably, before it goes out) in the same write that records the one before it;
        // the link, the last outcome and the tenant's indexes take a few more. Two writes per create would be 16 or more.
        var writes = Relay.Storage.Writes(contact.GetGrainId()) - writesBefore;
        writes.ShouldBeLessThanOrEqualTo(Creates + 4, $"{writes} state writes for {Creates} creates");
    }

    [Fact]
    public async Task An_activation_whose_state_was_written_by_another_makes_at_most_one_more_crm_call()
    {
        const int Adds = 6;
        var store = Relay.Emulator.Store;
        var selection = store.AddSelection("Fenced").SelectionId;
        var (tenant, person, contact) = await QueueBehindLeadAsync(new AddToSelectionAction(selection), Adds);
        Relay.Emulator.Faults.Add(new FaultRule { Operation = "Selection.AddContactSelectionMembers", Kind = FaultKind.Latency, LatencyMs = 400, Count = Adds });
        int Calls() => Relay.Requests(tenant).Count(r => r.Operation == "AddContactSelectionMembers");

        try
        {
            (await contact.LinkToPersonAsync(person, new SalesUser(102, "Anna Sales"))).Status.ShouldBe(LeadDecisionStatus.Done);
            await Eventually.ThatAsync(() => Calls() >= 1, "the first membership change answered");

            // Another activation writes the contact (a silo declared dead while this one still runs, in production).
            Relay.Storage.Supersede("contact", contact.GetGrainId());
            var view = await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { Outbox.IsEmpty: true, Outcomes.Length: Adds }, "the changes made from the stored state");

            view!.Outcomes.ShouldAllBe(o => o.Status == OutcomeStatus.Succeeded);
            store.Read(s => s.Selections[selection].Members.Any(m => m.PersonId == person)).ShouldBeTrue();
            // The replaced activation wrote before each call, so its refused write stopped it after the call in
            // flight; the next one redid what was not yet written. Without the write before each call it would
            // have made all six, and the next one six more.
            Calls().ShouldBeLessThanOrEqualTo(Adds + 2, $"{Calls()} calls for {Adds} changes");
        }
        finally
        {
            Relay.Emulator.Faults.Clear();
        }
    }

    /// <summary>
    /// A contact without a person, waiting as a lead with <paramref name="count"/> of the action queued, and the person
    /// it can be linked to: linking lets the drain work through all of them at once.
    /// </summary>
    private async Task<(string Tenant, int PersonId, IContactGrain Contact)> QueueBehindLeadAsync(AutomationAction action, int count)
    {
        // Each form submission queues its own action: a lead's repeats are coalesced unless the automation says otherwise.
        var tenant = await Relay.CreateTenantAsync(1000, Build.Automation(TriggerType.FormSubmitted, action) with { QueueRepeatsWhileLead = true });
        var email = Build.Email();
        await Relay.SendAsync(tenant, [.. Enumerable.Range(0, count).Select(n => Build.Trigger(TriggerType.FormSubmitted, "c1", email, id: $"backlog-{n}", second: n))]);
        await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { Status: ContactStatus.NewLead } && v.Outbox.Length == count, "every action queued behind the lead");
        var store = Relay.Emulator.Store;
        var person = store.AddPerson("Backlog", "Person", email, store.AddCompany("Backlog AB", 101).CompanyId).PersonId;
        return (tenant, person, Relay.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c1")));
    }
}
