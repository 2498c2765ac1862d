using Relay.Contacts;
using Relay.Crm;
using Relay.Events;
using Relay.Leads;
using Relay.Tenants;
using Relay.Timeline;
using Relay.Triggers;

namespace Relay.Tests.Leads;

/// <summary>Approving, linking and dismissing leads, against the emulator through the SOAP adapter.</summary>
[Collection(EmulatorClusterCollection.Name)]
public sealed class SoapLeadLifecycleTests(EmulatorClusterFixture fixture) : LeadLifecycleTests(fixture, CrmProtocol.Soap);

/// <summary>The same through the REST adapter.</summary>
[Collection(EmulatorClusterCollection.Name)]
public sealed class RestLeadLifecycleTests(EmulatorClusterFixture fixture) : LeadLifecycleTests(fixture, CrmProtocol.Rest);

/// <summary>Approving, linking and dismissing leads, against the emulator, in the protocol the tenant speaks.</summary>
public abstract class LeadLifecycleTests(EmulatorClusterFixture fixture, CrmProtocol protocol)
{
    private static readonly SalesUser Anna = new(102, "Anna Sales");

    private ITestCrm Crm => fixture.Crm;

    private Task<string> CreateTenantAsync(params Automation[] automations) => CreateTenantAsync(s => s, automations);

    private Task<string> CreateTenantAsync(Func<TenantSettings, TenantSettings> change, params Automation[] automations) =>
        fixture.CreateTenantAsync(protocol, change, automations);

    [Fact]
    public async Task Approving_creates_company_and_person_with_the_mapped_fields_and_runs_the_waiting_actions_once_in_order()
    {
        var project = Crm.SeedProject();
        var tenant = await CreateTenantAsync(
            s => s with { CreateCompanyOnApprove = true },
            Build.Automation(TriggerType.FormSubmitted, new CreateSaleAction("Demo request", 500, null, 30, ActionOwner.Associate(102)), new AddToProjectAction(project)),
            Build.Automation(TriggerType.EmailClicked, new NotifySalesRepAction(null, "Clicked", ActionOwner.CompanyAssociate)));
        var email = Build.Email();
        var contact = new ContactFields("c1", email, "Ann", "Berg", "CFO", "+46 8 123 45", "+46 70 123 45 67", null, new CompanyFields("Berg Lead AB", "SE", "Customer", "Retail"));
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.FormSubmitted, "c1", email) with { Contact = contact });
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email) with { Contact = contact });
        (await fixture.SettledAsync(tenant, "c1", 2)).Outbox.Length.ShouldBe(3);

        var result = await fixture.Contact(tenant, "c1").ApproveAsync(Anna);
        var view = await fixture.SettledAsync(tenant, "c1", 2);

        result.Status.ShouldBe(LeadDecisionStatus.Done);
        var person = Crm.PersonsWithEmail(email).ShouldHaveSingleItem();
        person.ShouldBe(new TestPerson(result.PersonId!.Value, "Ann", "Berg", email, "+46 8 123 45", "+46 70 123 45 67", "CFO", person.CompanyId, "Berg Lead AB"));
        Crm.Company(person.CompanyId!.Value).ShouldBe(new TestCompany(person.CompanyId.Value, "Berg Lead AB", "SE", "Customer", "Retail"));
        view.Status.ShouldBe(ContactStatus.Linked);
        view.Link!.Source.ShouldBe(LinkSource.Approved);
        view.Outcomes.Select(o => (o.Kind, o.Status)).ShouldBe([
            (ActionKind.CreateSale, OutcomeStatus.Succeeded), (ActionKind.AddToProject, OutcomeStatus.Succeeded), (ActionKind.NotifySalesRep, OutcomeStatus.Succeeded)]);
        Crm.Sales(person.PersonId).ShouldHaveSingleItem().Heading.ShouldBe("Demo request");
        Crm.Appointments(person.PersonId).ShouldHaveSingleItem().Completed.ShouldBeTrue();
        Crm.IsProjectMember(project, person.PersonId).ShouldBeTrue();
        view.Decisions.ShouldHaveSingleItem().ShouldBe(view.Decisions[0] with { Kind = LeadDecisionKind.Approved, By = Anna, PersonId = person.PersonId, Actions = 3 });
        (await fixture.LeadsAsync(tenant, 0)).Total.ShouldBe(0);
    }

    [Fact]
    public async Task Two_approvals_at_once_give_one_person_and_one_set_of_actions()
    {
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Once", 1, null, 10, ActionOwner.Associate(102))));
        var email = Build.Email();
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        await fixture.LeadsAsync(tenant, 1);

        var results = await Task.WhenAll(
            fixture.Contact(tenant, "c1").ApproveAsync(Anna),
            fixture.Contact(tenant, "c1").ApproveAsync(new SalesUser(103, "Bo Sales")));
        await fixture.SettledAsync(tenant, "c1");

        results.Select(r => r.Status).Order().ShouldBe([LeadDecisionStatus.Done, LeadDecisionStatus.AlreadyDecided]);
        var person = Crm.PersonsWithEmail(email).ShouldHaveSingleItem();
        await Eventually.ThatAsync(() => Crm.Sales(person.PersonId).Count == 1, "the waiting sale to be created");
        Crm.Sales(person.PersonId).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Linking_an_ambiguous_lead_to_a_candidate_runs_its_actions_for_that_person_and_later_triggers_use_it()
    {
        var email = Build.Email();
        Crm.SeedPerson("Lena", "Nord", email);
        var lars = Crm.SeedPerson("Lars", "Nord", email);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(4)), Build.Automation(TriggerType.EmailOpened, new AddInterestAction(3)));
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        (await fixture.LeadsAsync(tenant, 1)).Items[0].Reason.ShouldBe(LeadReason.Ambiguous);

        var result = await fixture.Contact(tenant, "c1").LinkToPersonAsync(lars, Anna);
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1", 2);

        result.Status.ShouldBe(LeadDecisionStatus.Done);
        view.Link!.PersonId.ShouldBe(lars);
        view.Link.Source.ShouldBe(LinkSource.ChosenBySales);
        Crm.HasInterest(lars, 4).ShouldBeTrue();
        Crm.HasInterest(lars, 3).ShouldBeTrue();
        Crm.PersonsWithEmail(email).Count.ShouldBe(2);
        (await fixture.LeadsAsync(tenant, 0)).Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_lead_that_clicks_fifty_times_waits_with_one_sale_and_approving_creates_that_one()
    {
        var project = Crm.SeedProject();
        var tenant = await CreateTenantAsync(
            Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Pricing", 1, null, 10, ActionOwner.Associate(102)), new AddToProjectAction(project)));
        var email = Build.Email();
        await fixture.SendAsync(tenant, [.. Enumerable.Range(0, 50).Select(i => Build.Trigger(TriggerType.EmailClicked, "c1", email, id: $"click-{i}-{tenant}", second: i))]);
        var waiting = await fixture.SettledAsync(tenant, "c1", 50);
        await Eventually.GetAsync(
            () => LeadIndex.GetPageAsync(fixture.Client, tenant, 0, 10),
            p => p.Total == 1 && p.Items[0].PendingActions == 2 && p.Items[0].LastSeen == waiting.LastSeen,
            "the Lead Report to count one waiting set");

        waiting.Outbox.Select(o => o.TriggerId).ShouldBe([$"click-0-{tenant}", $"click-0-{tenant}"]);
        waiting.Outcomes.Length.ShouldBe(98);
        waiting.Outcomes.ShouldAllBe(o => o.Status == OutcomeStatus.Coalesced);
        var result = await fixture.Contact(tenant, "c1").ApproveAsync(Anna);
        var view = await fixture.SettledAsync(tenant, "c1", 50);

        result.Message.ShouldContain("2 waiting action(s)");
        var person = Crm.PersonsWithEmail(email).ShouldHaveSingleItem();
        await Eventually.ThatAsync(() => Crm.IsProjectMember(project, person.PersonId), "the waiting project membership");
        Crm.Sales(person.PersonId).ShouldHaveSingleItem().Heading.ShouldBe("Pricing");
        view.Outcomes.Where(o => o.Status == OutcomeStatus.Succeeded).Select(o => o.Kind).ShouldBe([ActionKind.CreateSale, ActionKind.AddToProject]);
        view.TimelineTotal.ShouldBe(50);
    }

    [Fact]
    public async Task Linking_to_a_person_that_does_not_exist_is_refused_and_the_lead_stays()
    {
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(4)));
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", Build.Email()));
        await fixture.LeadsAsync(tenant, 1);

        var result = await fixture.Contact(tenant, "c1").LinkToPersonAsync(999_999_999, Anna);

        result.Status.ShouldBe(LeadDecisionStatus.Refused);
        (await fixture.ViewAsync(tenant, "c1"))!.Status.ShouldBe(ContactStatus.NewLead);
    }

    [Fact]
    public async Task Dismissing_drops_the_waiting_actions_and_keeps_the_timeline()
    {
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Never", 1, null, 10, ActionOwner.Associate(102))));
        var email = Build.Email();
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        await fixture.LeadsAsync(tenant, 1);

        var result = await fixture.Contact(tenant, "c1").DismissAsync(Anna);
        var view = (await fixture.ViewAsync(tenant, "c1"))!;

        result.Status.ShouldBe(LeadDecisionStatus.Done);
        view.Outbox.ShouldBeEmpty();
        view.TimelineTotal.ShouldBe(1);
        view.Outcomes.ShouldHaveSingleItem().Status.ShouldBe(OutcomeStatus.Dismissed);
        view.Decisions.ShouldHaveSingleItem().Kind.ShouldBe(LeadDecisionKind.Dismissed);
        Crm.PersonsWithEmail(email).ShouldBeEmpty();
        (await fixture.LeadsAsync(tenant, 0)).Total.ShouldBe(0);
        (await fixture.Contact(tenant, "c1").DismissAsync(Anna)).Status.ShouldBe(LeadDecisionStatus.NotALead);
    }

    [Fact]
    public async Task The_timeline_of_a_person_and_of_a_company_merges_their_linked_contacts_newest_first()
    {
        var company = Crm.SeedCompany("Timeline AB", 102);
        var ann = Build.Email();
        var per = Build.Email();
        var annId = Crm.SeedPerson("Ann", "Berg", ann, company);
        Crm.SeedPerson("Per", "Berg", per, company);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailOpened, new AddInterestAction(1)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "ann", ann, id: "a1", second: 1), Build.Trigger(TriggerType.EmailClicked, "ann", ann, id: "a2", second: 3));
        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "per", per, id: "p1", second: 2));
        await fixture.SettledAsync(tenant, "ann", 2);
        await fixture.SettledAsync(tenant, "per", 1);
        var reader = new TimelineReader(fixture.Client);

        var byPerson = await Eventually.GetAsync(() => reader.ForPersonAsync(tenant, annId, 0, 10), t => t.Total == 2, "Ann's contact to be indexed under her person");
        var byCompany = await Eventually.GetAsync(() => reader.ForCompanyAsync(tenant, company, 0, 10), t => t.Total == 3, "both persons to be indexed under their company");

        byPerson.Items.Select(e => e.Entry.TriggerId).ShouldBe(["a2", "a1"]);
        byCompany.Items.Select(e => e.Entry.TriggerId).ShouldBe(["a2", "p1", "a1"]);
        byCompany.Items.Select(e => e.ContactName).Distinct().ShouldBe(["Ann Berg"]);
        (await reader.ForCompanyAsync(tenant, company, 1, 1)).Items.Single().Entry.TriggerId.ShouldBe("p1");
    }

    [Fact]
    public async Task Event_details_of_a_created_sale_and_appointment_name_the_trigger_automation_content_and_contact()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var automation = new Automation("pricing", "Pricing page", new AutomationMatch(TriggerType.EmailClicked),
            [new CreateSaleAction("Pricing", 1, null, 10, ActionOwner.Associate(102)), new CreateTaskAction(null, "Call", 1, ActionOwner.Associate(102))]);
        var tenant = await CreateTenantAsync(automation);
        var trigger = Build.Trigger(TriggerType.EmailClicked, "c1", email, contentId: "mail-7");

        await fixture.SendAsync(tenant, trigger);
        var view = await fixture.SettledAsync(tenant, "c1");
        var saleId = view.Outcomes[0].CrmObjectId!.Value;
        var appointmentId = view.Outcomes[1].CrmObjectId!.Value;
        var sale = (await Eventually.GetAsync(
            () => fixture.Client.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(tenant, CrmObjectKind.Sale, saleId)).GetAsync(),
            d => d is not null,
            "the sale's event details"))!;
        var appointment = await fixture.Client.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(tenant, CrmObjectKind.Appointment, appointmentId)).GetAsync();

        sale.ShouldBe(sale with
        {
            Action = ActionKind.CreateSale, TriggerId = trigger.Id, TriggerType = TriggerType.EmailClicked, AutomationId = "pricing",
            AutomationName = "Pricing page", ContactId = "c1", ContactName = "Ann Berg", PersonId = person, LinkUrl = "https://example.com/pricing",
        });
        sale.Content.ShouldNotBeNull().Id.ShouldBe("mail-7");
        appointment.ShouldNotBeNull().Action.ShouldBe(ActionKind.CreateTask);
        (await fixture.Client.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(tenant, CrmObjectKind.Sale, 123_456_789)).GetAsync()).ShouldBeNull();
    }
}
