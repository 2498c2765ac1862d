using Relay.Automations;
using Relay.Contacts;
using Relay.Leads;
using Relay.Triggers;

namespace Relay.Tests.Resilience;

/// <summary>How often a contact writes its state while it works through its outbox.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class OutboxWriteTests(ResilienceClusterFixture fixture)
{
    private const int Creates = 8;

    private EmulatorCluster Relay => fixture.Cluster;

    [Fact]
    public async Task A_backlog_of_creates_takes_one_state_write_per_create_not_two()
    {
        // A contact without a person waits as a lead with every create queued; linking it to a person lets the
        // drain work through all of them at once.
        var tenant = await Relay.CreateTenantAsync(1000, Build.Automation(TriggerType.FormSubmitted, new CreateTaskAction(3, "Call back", 1, ActionOwner.CompanyAssociate)));
        var email = Build.Email();
        var triggers = Enumerable.Range(0, Creates).Select(n => Build.Trigger(TriggerType.FormSubmitted, "c1", email, id: $"backlog-{n}", second: n)).ToArray();
        await Relay.SendAsync(tenant, triggers);
        await Eventually.GetAsync(() => Relay.ViewAsync(tenant, "c1"), v => v is { Status: ContactStatus.NewLead, Outbox.Length: Creates }, "every create queued behind the lead");
        var store = Relay.Emulator.Store;
        var person = store.AddPerson("Backlog", "Person", email, store.AddCompany("Backlog AB", 101).CompanyId).PersonId;
        var contact = Relay.Client.GetGrain<IContactGrain>(ContactKey.Of(tenant, "c1"));
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
}
