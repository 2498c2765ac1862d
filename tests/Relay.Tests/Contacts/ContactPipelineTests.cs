using Relay.Contacts;
using Relay.Crm;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>Triggers through contact streams to the CRM port, on a two-silo cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ContactPipelineTests(ClusterFixture fixture)
{
    private InMemoryCrm Crm => fixture.Crm;

    [Fact]
    public async Task Every_action_type_reaches_the_crm_with_the_right_data()
    {
        var selection = Random.Shared.Next(1_000_000, 2_000_000);
        var project = Random.Shared.Next(1_000_000, 2_000_000);
        Crm.Selections.Add(selection);
        Crm.Projects.Add(project);
        var email = Build.Email();
        var company = Crm.SeedCompany("Berg AB", associateId: 55);
        var person = Crm.SeedPerson("Ann", "Berg", email, company);
        var tenant = await fixture.CreateTenantAsync(Build.Automation(
            TriggerType.FormSubmitted,
            new CreateSaleAction("Demo request", 1234.5, 3, 40, ActionOwner.CompanyAssociate),
            new CreateTaskAction(4, "Call back", 2, ActionOwner.Associate(12)),
            new NotifySalesRepAction(5, "Asked for a demo", ActionOwner.Associate(13)),
            new AddToSelectionAction(selection),
            new AddToProjectAction(project),
            new AddInterestAction(77),
            new RemoveFromSelectionAction(selection),
            new RemoveFromProjectAction(project),
            new RemoveInterestAction(77)));
        var trigger = Build.Trigger(TriggerType.FormSubmitted, "c1", email);

        await fixture.SendAsync(tenant, trigger);
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.Linked);
        view.Link!.PersonId.ShouldBe(person);
        view.Outcomes.Select(o => o.Kind).ShouldBe(
        [
            ActionKind.CreateSale, ActionKind.CreateTask, ActionKind.NotifySalesRep, ActionKind.AddToSelection, ActionKind.AddToProject,
            ActionKind.AddInterest, ActionKind.RemoveFromSelection, ActionKind.RemoveFromProject, ActionKind.RemoveInterest,
        ]);
        view.Outcomes.ShouldAllBe(o => o.Status == OutcomeStatus.Succeeded);
        var writes = Crm.Ledger.Where(w => w.Data is NewSale s && s.Person.PersonId == person
            || w.Data is NewAppointment a && a.Person.PersonId == person
            || w.Data is CrmPersonRef r && r.PersonId == person
            || w.Data is int p && p == person).ToList();
        writes.Select(w => w.Operation).ShouldBe(
        [
            "CreateSale", "CreateAppointment", "CreateAppointment", "AddSelectionMember", "AddProjectMember",
            "AddInterest", "RemoveSelectionMember", "RemoveProjectMember", "RemoveInterest",
        ]);

        var sale = (NewSale)writes[0].Data;
        sale.ShouldBe(sale with { Heading = "Demo request", Amount = 1234.5, SaleTypeId = 3, Probability = 40, OwnerAssociateId = 55, Person = new CrmPersonRef(person, company) });
        sale.Reference.ShouldBe(ActionExecutor.ReferenceFor(tenant, "c1", $"{trigger.Id}:{view.Outcomes[0].AutomationId}:0"));
        var task = (NewAppointment)writes[1].Data;
        task.Completed.ShouldBeFalse();
        task.TaskTypeId.ShouldBe(4);
        task.OwnerAssociateId.ShouldBe(12);
        task.Description.ShouldStartWith("Call back");
        task.Date.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddDays(1.9));
        var notification = (NewAppointment)writes[2].Data;
        notification.Completed.ShouldBeTrue();
        notification.OwnerAssociateId.ShouldBe(13);
        notification.Description.ShouldContain("form.submitted");
        writes[3].Id.ShouldBe(selection);
        writes[4].Id.ShouldBe(project);
        writes[5].Id.ShouldBe(77);
        Crm.IsSelectionMember(selection, person).ShouldBeFalse();
        Crm.IsProjectMember(project, person).ShouldBeFalse();
        Crm.HasInterest(person, 77).ShouldBeFalse();
    }

    [Fact]
    public async Task One_email_match_links_the_contact_and_runs_its_actions()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(5)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.Linked);
        view.Link.ShouldNotBeNull().Source.ShouldBe(LinkSource.EmailMatch);
        Crm.HasInterest(person, 5).ShouldBeTrue();
    }

    [Fact]
    public async Task No_email_match_makes_a_new_lead_whose_actions_wait()
    {
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Interest", 1, null, 10, ActionOwner.CompanyAssociate)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", Build.Email()));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.NewLead);
        view.Link.ShouldBeNull();
        view.Outbox.Length.ShouldBe(1);
        var leads = await Eventually.GetAsync(
            () => fixture.Client.GetGrain<Relay.Leads.ILeadIndexGrain>(tenant).GetPageAsync(0, 10),
            p => p.Total == 1,
            "the lead to reach the lead index");
        leads.Items[0].ShouldBe(leads.Items[0] with { ContactId = "c1", Reason = LeadReason.New, PendingActions = 1, DisplayName = "Ann Berg", CompanyName = "Berg AB" });
    }

    [Fact]
    public async Task Several_email_matches_make_an_ambiguous_lead_with_every_candidate()
    {
        var email = Build.Email();
        var first = Crm.SeedPerson("Lena", "Nord", email);
        var second = Crm.SeedPerson("Lars", "Nord", email);
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(5)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.AmbiguousLead);
        view.Lead!.Candidates.Select(c => c.PersonId).ShouldBe([first, second]);
        Crm.HasInterest(first, 5).ShouldBeFalse();
        Crm.HasInterest(second, 5).ShouldBeFalse();
        var leads = await Eventually.GetAsync(
            () => fixture.Client.GetGrain<Relay.Leads.ILeadIndexGrain>(tenant).GetPageAsync(0, 10),
            p => p.Total == 1,
            "the ambiguous lead to reach the lead index");
        leads.Items[0].Reason.ShouldBe(LeadReason.Ambiguous);
        leads.Items[0].Candidates.Length.ShouldBe(2);
    }

    [Fact]
    public async Task A_given_crm_person_id_is_used_without_an_email_lookup()
    {
        var person = Crm.SeedPerson("Per", "Berg", Build.Email());
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.SmsClicked, new AddInterestAction(6)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.SmsClicked, "c1", email: null, crmPersonId: person));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Link.ShouldNotBeNull().Source.ShouldBe(LinkSource.GivenPersonId);
        view.Link.PersonId.ShouldBe(person);
        Crm.HasInterest(person, 6).ShouldBeTrue();
    }

    [Fact]
    public async Task A_trigger_id_sent_twice_is_processed_once()
    {
        var email = Build.Email();
        Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Once", 1, null, 10, ActionOwner.Associate(1))));
        var trigger = Build.Trigger(TriggerType.EmailClicked, "c1", email);
        var marker = Build.Trigger(TriggerType.EmailOpened, "c1", email);

        await fixture.SendAsync(tenant, trigger, trigger, marker);
        var view = await fixture.SettledAsync(tenant, "c1", timelineCount: 2);

        view.TimelineTotal.ShouldBe(2);
        view.DuplicatesDropped.ShouldBe(1);
        view.Outcomes.Count(o => o.Kind == ActionKind.CreateSale).ShouldBe(1);
        Crm.Ledger.Count(w => w.Data is NewSale s && s.Heading == "Once" && s.Reference == ActionExecutor.ReferenceFor(tenant, "c1", view.Outcomes[0].Key)).ShouldBe(1);
    }

    [Fact]
    public async Task A_thousand_triggers_for_one_contact_land_on_the_timeline_in_send_order()
    {
        var tenant = await fixture.CreateTenantAsync();
        var triggers = Enumerable.Range(0, 1000).Select(i => Build.Trigger(TriggerType.EmailOpened, "c1", "a@example.com", id: $"evt-{i:0000}", second: i)).ToArray();

        await fixture.SendAsync(tenant, triggers);
        await fixture.SettledAsync(tenant, "c1", timelineCount: 1000);
        var view = (await fixture.ViewAsync(tenant, "c1", take: 1000))!;

        view.TimelineTotal.ShouldBe(1000);
        view.Timeline.Select(e => e.TriggerId).ShouldBe(triggers.Select(t => t.Id).Reverse());
    }

    [Fact]
    public async Task A_thousand_contacts_with_a_trigger_each_are_all_processed()
    {
        var tenant = await fixture.CreateTenantAsync();
        var contacts = Enumerable.Range(0, 1000).Select(i => $"c{i}").ToArray();

        await Parallel.ForEachAsync(contacts, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, _) =>
            await fixture.SendAsync(tenant, Build.Trigger(TriggerType.LandingPageVisited, c, $"{c}@example.com")));

        foreach (var c in contacts)
        {
            (await fixture.SettledAsync(tenant, c)).TimelineTotal.ShouldBe(1);
        }
    }

    [Fact]
    public async Task Run_policy_once_per_contact_fires_once()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var project = Random.Shared.Next(2_000_000, 3_000_000);
        Crm.Projects.Add(project);
        var once = Build.Automation(TriggerType.EmailOpened, new AddToProjectAction(project)) with { RunPolicy = RunPolicy.OncePerContact };
        var tenant = await fixture.CreateTenantAsync(once);

        await fixture.SendAsync(tenant, [.. Enumerable.Range(0, 3).Select(i => Build.Trigger(TriggerType.EmailOpened, "c1", email, second: i))]);
        var view = await fixture.SettledAsync(tenant, "c1", timelineCount: 3);

        view.Outcomes.Length.ShouldBe(1);
        view.Timeline.Count(e => e.AutomationIds.Contains(once.Id)).ShouldBe(1);
        Crm.Ledger.Count(w => w.Operation == "AddProjectMember" && w.Id == project).ShouldBe(1);
        Crm.IsProjectMember(project, person).ShouldBeTrue();
    }

    [Fact]
    public async Task A_permanent_crm_error_parks_the_action_and_later_actions_still_run()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await fixture.CreateTenantAsync(Build.Automation(TriggerType.EmailOpened, new AddToSelectionAction(987_654_321), new AddInterestAction(8)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Parked.Single().LastErrorType.ShouldBe("SelectionNotFound");
        view.Outcomes.Select(o => o.Status).ShouldBe([OutcomeStatus.Parked, OutcomeStatus.Succeeded]);
        Crm.HasInterest(person, 8).ShouldBeTrue();
    }
}
