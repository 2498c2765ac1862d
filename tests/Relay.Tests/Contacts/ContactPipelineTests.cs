using Relay.Contacts;
using Relay.Crm;
using Relay.Events;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Contacts;

/// <summary>Triggers through contact streams to the CRM port and on to the in-memory CRM, on a two-silo cluster.</summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class InMemoryContactPipelineTests(InMemoryClusterFixture fixture) : ContactPipelineTests(fixture)
{
    [Fact]
    public async Task A_long_timeline_keeps_its_oldest_entries_in_chunks_and_pages_across_them_in_order()
    {
        const int count = 1234;
        var tenant = await CreateTenantAsync();
        var email = Build.Email();
        await fixture.SendAsync(tenant, [.. Enumerable.Range(0, count).Select(i => Build.Trigger(TriggerType.EmailOpened, "c1", email, id: $"evt-{i}"))]);
        await fixture.SettledAsync(tenant, "c1", timelineCount: count);

        async Task<IEnumerable<string>> PageAsync(int skip, int take) =>
            (await fixture.Contact(tenant, "c1").GetViewAsync(skip, take))!.Timeline.Select(e => e.TriggerId);
        IEnumerable<string> Ids(int newest, int oldest) => Enumerable.Range(oldest, newest - oldest + 1).Reverse().Select(i => $"evt-{i}");

        // Eleven chunks of 100 archived (evt-0 to evt-1099); the state holds evt-1100 to evt-1233.
        (await PageAsync(0, 5)).ShouldBe(Ids(1233, 1229));
        (await PageAsync(130, 10)).ShouldBe(Ids(1103, 1094), "a page across the state and the newest chunk");
        (await PageAsync(230, 10)).ShouldBe(Ids(1003, 994), "a page across two archived chunks");
        (await PageAsync(1230, 50)).ShouldBe(Ids(3, 0), "the oldest entries, from the oldest chunk");
        (await fixture.Contact(tenant, "c1").GetViewAsync(0, 1))!.TimelineTotal.ShouldBe(count);
        (await fixture.Client.GetGrain<Relay.Timeline.ITimelineChunkGrain>(Relay.Timeline.TimelineChunkKey.Of(tenant, "c1", 0)).GetAsync())
            .Select(e => e.TriggerId).ShouldBe(Ids(99, 0).Reverse());
    }
}

/// <summary>The same, through the NetServer SOAP adapter to the emulator over HTTP.</summary>
[Collection(EmulatorClusterCollection.Name)]
public sealed class EmulatorContactPipelineTests(EmulatorClusterFixture fixture) : ContactPipelineTests(fixture);

/// <summary>The same, through the NetServer REST adapter to the emulator's REST agents.</summary>
[Collection(EmulatorClusterCollection.Name)]
public sealed class EmulatorRestContactPipelineTests(EmulatorClusterFixture fixture) : ContactPipelineTests(fixture, CrmProtocol.Rest);

/// <summary>Triggers through contact streams to the CRM, whatever sits behind the port, and in whichever protocol the tenants speak to it.</summary>
public abstract class ContactPipelineTests(ClusterFixture fixture, CrmProtocol protocol = CrmProtocol.Soap)
{
    private ITestCrm Crm => fixture.Crm;

    private protected Task<string> CreateTenantAsync(params Automation[] automations) => CreateTenantAsync(s => s, automations);

    private protected Task<string> CreateTenantAsync(Func<TenantSettings, TenantSettings> change, params Automation[] automations) =>
        fixture.CreateTenantAsync(protocol, change, automations);

    [Fact]
    public async Task Every_action_type_reaches_the_crm_with_the_right_data()
    {
        var selection = Crm.SeedSelection();
        var project = Crm.SeedProject();
        var email = Build.Email();
        var company = Crm.SeedCompany("Berg AB", associateId: 103);
        var person = Crm.SeedPerson("Ann", "Berg", email, company);
        var add = new Automation("add", "Add everything", new AutomationMatch(TriggerType.FormSubmitted),
        [
            new CreateSaleAction("Demo request", 1234.5, 2, 40, ActionOwner.CompanyAssociate),
            new CreateTaskAction(3, "Call back", 2, ActionOwner.Associate(102)),
            new NotifySalesRepAction(4, "Asked for a demo", ActionOwner.Associate(104)),
            new AddToSelectionAction(selection),
            new AddToProjectAction(project),
            new AddInterestAction(6),
        ]);
        var remove = new Automation("remove", "Remove everything", new AutomationMatch(TriggerType.EmailOpened),
            [new RemoveFromSelectionAction(selection), new RemoveFromProjectAction(project), new RemoveInterestAction(6)]);
        var tenant = await CreateTenantAsync(add, remove);
        var form = Build.Trigger(TriggerType.FormSubmitted, "c1", email);

        await fixture.SendAsync(tenant, form);
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.Linked);
        view.Link!.PersonId.ShouldBe(person);
        view.Outcomes.Select(o => o.Kind).ShouldBe(
            [ActionKind.CreateSale, ActionKind.CreateTask, ActionKind.NotifySalesRep, ActionKind.AddToSelection, ActionKind.AddToProject, ActionKind.AddInterest]);
        view.Outcomes.ShouldAllBe(o => o.Status == OutcomeStatus.Succeeded);
        var sale = Crm.Sales(person).ShouldHaveSingleItem();
        sale.ShouldBe(sale with { Heading = "Demo request", Amount = 1234.5, SaleTypeId = 2, Probability = 40, OwnerAssociateId = 103, CompanyId = company });
        sale.SaleId.ShouldBe(view.Outcomes[0].CrmObjectId!.Value);
        sale.Text.ShouldNotBeNull().ShouldContain(ActionExecutor.ReferenceFor(tenant, "c1", $"{form.Id}:add:0"));
        var appointments = Crm.Appointments(person);
        appointments.Count.ShouldBe(2);
        var task = appointments[0];
        task.ShouldBe(task with { TaskTypeId = 3, Completed = false, OwnerAssociateId = 102 });
        task.Description.ShouldStartWith("Call back");
        task.Description.ShouldContain(ActionExecutor.ReferenceFor(tenant, "c1", $"{form.Id}:add:1"));
        task.Date.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddDays(1.9));
        var notification = appointments[1];
        notification.ShouldBe(notification with { TaskTypeId = 4, Completed = true, OwnerAssociateId = 104 });
        notification.Description.ShouldContain("form.submitted");
        Crm.IsSelectionMember(selection, person).ShouldBeTrue();
        Crm.IsProjectMember(project, person).ShouldBeTrue();
        Crm.HasInterest(person, 6).ShouldBeTrue();

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "c1", email));
        view = await fixture.SettledAsync(tenant, "c1", timelineCount: 2);

        view.Outcomes.Skip(6).Select(o => o.Kind).ShouldBe([ActionKind.RemoveFromSelection, ActionKind.RemoveFromProject, ActionKind.RemoveInterest]);
        Crm.IsSelectionMember(selection, person).ShouldBeFalse();
        Crm.IsProjectMember(project, person).ShouldBeFalse();
        Crm.HasInterest(person, 6).ShouldBeFalse();
    }

    [Fact]
    public async Task One_email_match_links_the_contact_and_runs_its_actions()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(5)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.Linked);
        view.Link.ShouldNotBeNull().Source.ShouldBe(LinkSource.EmailMatch);
        Crm.HasInterest(person, 5).ShouldBeTrue();
    }

    [Fact]
    public async Task A_drain_that_cannot_reach_its_tenant_is_tried_again_within_seconds()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(5)));
        var contact = fixture.Contact(tenant, "c1").GetGrainId();
        fixture.Faults.FailCall(contact, nameof(ITenantGrain.GetConfigAsync), callNumber: 2); // the first is the trigger's, the second the drain's

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));

        // The drain reminder comes a minute later (and was never registered: the first drain failed before it could be);
        // the drain's own backoff is about two seconds.
        var view = await Eventually.GetAsync(() => fixture.ViewAsync(tenant, "c1"), v => v is { Outbox.IsEmpty: true, Outcomes.Length: 1 },
            "the drain to be tried again", TimeSpan.FromSeconds(20));
        view!.Outcomes[0].ShouldBe(view.Outcomes[0] with { Status = OutcomeStatus.Succeeded, Attempts = 1 });
        Crm.HasInterest(person, 5).ShouldBeTrue();
        fixture.Faults.Calls(contact, nameof(ITenantGrain.GetConfigAsync)).ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task Event_details_that_cannot_be_recorded_at_once_wait_in_the_contact_and_are_recorded_later()
    {
        var email = Build.Email();
        Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateTaskAction(null, "Call", 1, ActionOwner.Associate(102))));
        var contact = fixture.Contact(tenant, "c1").GetGrainId();
        fixture.Faults.FailCall(contact, nameof(ICrmObjectGrain.PutAsync), callNumber: 1);

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1");
        var details = await Eventually.GetAsync(
            () => fixture.Client.GetGrain<ICrmObjectGrain>(CrmObjectKey.Of(tenant, CrmObjectKind.Appointment, view.Outcomes[0].CrmObjectId!.Value)).GetAsync(),
            d => d is not null, "the task's event details, recorded by the index sync");

        view.Outcomes.ShouldHaveSingleItem().Status.ShouldBe(OutcomeStatus.Succeeded);
        details!.ContactId.ShouldBe("c1");
        fixture.Faults.Calls(contact, nameof(ICrmObjectGrain.PutAsync)).ShouldBe(2, "one refused, one recorded");
    }

    [Fact]
    public async Task No_email_match_makes_a_new_lead_whose_actions_wait()
    {
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Interest", 1, null, 10, ActionOwner.CompanyAssociate)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", Build.Email()));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.NewLead);
        view.Link.ShouldBeNull();
        view.Outbox.Length.ShouldBe(1);
        var leads = await fixture.LeadsAsync(tenant, 1);
        leads.Items[0].ShouldBe(leads.Items[0] with { ContactId = "c1", Reason = LeadReason.New, PendingActions = 1, DisplayName = "Ann Berg", CompanyName = "Berg AB" });
    }

    [Fact]
    public async Task Several_email_matches_make_an_ambiguous_lead_with_every_candidate()
    {
        var email = Build.Email();
        var first = Crm.SeedPerson("Lena", "Nord", email);
        var second = Crm.SeedPerson("Lars", "Nord", email);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new AddInterestAction(5)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailClicked, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Status.ShouldBe(ContactStatus.AmbiguousLead);
        view.Lead!.Candidates.Select(c => c.PersonId).ShouldBe([first, second]);
        Crm.HasInterest(first, 5).ShouldBeFalse();
        Crm.HasInterest(second, 5).ShouldBeFalse();
        var leads = await fixture.LeadsAsync(tenant, 1);
        leads.Items[0].Reason.ShouldBe(LeadReason.Ambiguous);
        leads.Items[0].Candidates.Length.ShouldBe(2);
    }

    [Fact]
    public async Task A_given_crm_person_id_is_used_without_an_email_lookup()
    {
        var person = Crm.SeedPerson("Per", "Berg", Build.Email());
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.SmsClicked, new AddInterestAction(7)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.SmsClicked, "c1", email: null, crmPersonId: person));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Link.ShouldNotBeNull().Source.ShouldBe(LinkSource.GivenPersonId);
        view.Link.PersonId.ShouldBe(person);
        Crm.HasInterest(person, 7).ShouldBeTrue();
    }

    [Fact]
    public async Task A_trigger_id_sent_twice_is_processed_once()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Once", 1, null, 10, ActionOwner.Associate(102))));
        var trigger = Build.Trigger(TriggerType.EmailClicked, "c1", email);
        var marker = Build.Trigger(TriggerType.EmailOpened, "c1", email);

        await fixture.SendAsync(tenant, trigger, trigger, marker);
        var view = await fixture.SettledAsync(tenant, "c1", timelineCount: 2);

        view.TimelineTotal.ShouldBe(2);
        view.DuplicatesDropped.ShouldBe(1);
        view.Outcomes.Count(o => o.Kind == ActionKind.CreateSale).ShouldBe(1);
        Crm.Sales(person).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_thousand_triggers_for_one_contact_land_on_the_timeline_in_send_order()
    {
        var tenant = await CreateTenantAsync();
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
        var tenant = await CreateTenantAsync();
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
        var project = Crm.SeedProject();
        var once = Build.Automation(TriggerType.EmailOpened, new CreateSaleAction("First open", 1, null, 10, ActionOwner.Associate(102)), new AddToProjectAction(project)) with { RunPolicy = RunPolicy.OncePerContact };
        var tenant = await CreateTenantAsync(once);

        await fixture.SendAsync(tenant, [.. Enumerable.Range(0, 3).Select(i => Build.Trigger(TriggerType.EmailOpened, "c1", email, second: i))]);
        var view = await fixture.SettledAsync(tenant, "c1", timelineCount: 3);

        view.Outcomes.Length.ShouldBe(2);
        view.Timeline.Count(e => e.AutomationIds.Contains(once.Id)).ShouldBe(1);
        Crm.Sales(person).Count.ShouldBe(1);
        Crm.IsProjectMember(project, person).ShouldBeTrue();
    }

    [Fact]
    public async Task A_permanent_crm_error_parks_the_action_and_later_actions_still_run()
    {
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await CreateTenantAsync(Build.Automation(TriggerType.EmailOpened, new AddToSelectionAction(987_654_321), new AddInterestAction(8)));

        await fixture.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "c1", email));
        var view = await fixture.SettledAsync(tenant, "c1");

        view.Parked.Single().LastErrorType.ShouldBe("SelectionNotFound");
        view.Outcomes.Select(o => o.Status).ShouldBe([OutcomeStatus.Parked, OutcomeStatus.Succeeded]);
        Crm.HasInterest(person, 8).ShouldBeTrue();
    }

    [Fact]
    public async Task An_older_add_to_selection_delivered_after_a_newer_remove_is_superseded_and_the_remove_stands()
    {
        var selection = Crm.SeedSelection();
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await CreateTenantAsync(
            Build.Automation(TriggerType.FormSubmitted, new AddToSelectionAction(selection)),
            Build.Automation(TriggerType.EmailOpened, new RemoveFromSelectionAction(selection)));
        var add = Build.Trigger(TriggerType.FormSubmitted, "c1", email, second: 10);
        var remove = Build.Trigger(TriggerType.EmailOpened, "c1", email, second: 20);

        await fixture.SendAsync(tenant, remove, add);
        var view = await fixture.SettledAsync(tenant, "c1", timelineCount: 2);

        Crm.IsSelectionMember(selection, person).ShouldBeFalse();
        view.Outcomes.Select(o => (o.TriggerId, o.Status)).ShouldBe([(remove.Id, OutcomeStatus.Succeeded), (add.Id, OutcomeStatus.Superseded)], ignoreOrder: true);
        view.Outcomes.Single(o => o.TriggerId == add.Id).ErrorType.ShouldBe(SetOperations.SupersededType);
        view.Timeline.Select(e => e.TriggerId).ShouldBe([add.Id, remove.Id], "both stay on the timeline, newest delivered first");
    }

    [Fact]
    public async Task Interest_and_project_changes_delivered_out_of_order_follow_the_triggers_occurred_at()
    {
        var project = Crm.SeedProject();
        var email = Build.Email();
        var person = Crm.SeedPerson("Ann", "Berg", email);
        var tenant = await CreateTenantAsync(
            Build.Automation(TriggerType.EmailClicked, new AddInterestAction(6), new RemoveFromProjectAction(project)),
            Build.Automation(TriggerType.SmsClicked, new RemoveInterestAction(6), new AddToProjectAction(project)));
        var first = Build.Trigger(TriggerType.SmsClicked, "c1", email, second: 5);
        var second = Build.Trigger(TriggerType.SmsClicked, "c1", email, second: 15);
        var latest = Build.Trigger(TriggerType.EmailClicked, "c1", email, second: 30);

        await fixture.SendAsync(tenant, first, latest, second);
        var view = await fixture.SettledAsync(tenant, "c1", timelineCount: 3);

        Crm.HasInterest(person, 6).ShouldBeTrue();
        Crm.IsProjectMember(project, person).ShouldBeFalse();
        view.Outcomes.Where(o => o.Status == OutcomeStatus.Superseded).Select(o => o.TriggerId).ShouldBe([second.Id, second.Id]);
        view.Outcomes.Count(o => o.Status == OutcomeStatus.Succeeded).ShouldBe(4);
    }
}
