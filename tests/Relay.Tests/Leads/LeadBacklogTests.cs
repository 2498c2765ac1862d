using System.Text.Json;
using Relay.Contacts;
using Relay.Crm;
using Relay.Leads;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Leads;

/// <summary>A lead's waiting actions are bounded: repeated runs coalesce, and the total is capped. Without a cluster.</summary>
public sealed class LeadBacklogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly Automation Pricing = new("pricing", null, new AutomationMatch(TriggerType.EmailClicked),
        [new CreateSaleAction("Pricing", 1, null, 10, ActionOwner.CompanyAssociate), new AddInterestAction(3)]);

    private static readonly Automation Form = new("form", null, new AutomationMatch(TriggerType.FormSubmitted),
        [new CreateTaskAction(null, "Call back", 1, ActionOwner.CompanyAssociate)]);

    [Fact]
    public void Fifty_clicks_of_a_waiting_lead_queue_one_set_and_each_later_run_says_it_was_coalesced()
    {
        var state = Lead(Config([Pricing, Form]), Click("evt-0"));

        for (var i = 1; i < 50; i++)
        {
            ContactDecisions.Accept(state, Click($"evt-{i}"), Config([Pricing, Form]), Now).ShouldBe(TriggerDisposition.Recorded);
        }

        state.Outbox.Select(o => o.Key).ShouldBe(["evt-0:pricing:0", "evt-0:pricing:1"]);
        state.Timeline.Count.ShouldBe(50, "every click stays on the timeline");
        state.Timeline[^1].AutomationIds.ShouldBe(["pricing"]);
        state.Outcomes.Count.ShouldBe(98);
        state.Outcomes.ShouldAllBe(o => o.Status == OutcomeStatus.Coalesced && o.ErrorType == LeadBacklog.CoalescedType);
        state.Outcomes[0].Key.ShouldBe("evt-1:pricing:0");
        state.Outcomes[0].Error!.ShouldContain("evt-0");
        state.LeadIndexDirty.ShouldBeTrue();
    }

    [Fact]
    public void Another_automation_still_queues_behind_the_waiting_one_in_arrival_order()
    {
        var config = Config([Pricing, Form]);
        var state = Lead(config, Click("evt-0"));

        ContactDecisions.Accept(state, Click("evt-1"), config, Now);
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.FormSubmitted, "c", "a@b.se", id: "evt-2"), config, Now).ShouldBe(TriggerDisposition.ActionsQueued);

        state.Outbox.Select(o => o.Key).ShouldBe(["evt-0:pricing:0", "evt-0:pricing:1", "evt-2:form:0"]);
    }

    [Fact]
    public void A_redelivered_coalesced_trigger_is_a_duplicate_and_leaves_no_second_outcome()
    {
        var config = Config([Pricing]);
        var state = Lead(config, Click("evt-0"));
        ContactDecisions.Accept(state, Click("evt-1"), config, Now);

        ContactDecisions.Accept(state, Click("evt-1"), config, Now).ShouldBe(TriggerDisposition.Duplicate);

        state.Outcomes.Count.ShouldBe(2);
        state.Timeline.Count.ShouldBe(2);
    }

    [Fact]
    public void An_automation_that_queues_repeats_fills_the_lead_up_to_the_tenants_limit_and_the_next_run_is_not_queued()
    {
        var repeats = Pricing with { QueueRepeatsWhileLead = true };
        var config = Config([repeats], maxWaiting: 5);
        var state = Lead(config, Click("evt-0"));

        ContactDecisions.Accept(state, Click("evt-1"), config, Now).ShouldBe(TriggerDisposition.ActionsQueued);
        ContactDecisions.Accept(state, Click("evt-2"), config, Now).ShouldBe(TriggerDisposition.Recorded);

        state.Outbox.Count.ShouldBe(4, "a third run of two actions would make six, over the limit of five");
        state.Outcomes.Select(o => (o.Key, o.Status, o.ErrorType)).ShouldBe([
            ("evt-2:pricing:0", OutcomeStatus.NotQueued, LeadBacklog.LimitType), ("evt-2:pricing:1", OutcomeStatus.NotQueued, LeadBacklog.LimitType)]);
        state.Outcomes[0].Error!.ShouldContain("(5)");
    }

    [Fact]
    public void A_once_per_contact_automation_the_limit_left_out_has_not_run()
    {
        var once = Form with { RunPolicy = RunPolicy.OncePerContact };
        var config = Config([Pricing, once], maxWaiting: 2);
        var state = Lead(config, Click("evt-0"));

        ContactDecisions.Accept(state, Build.Trigger(TriggerType.FormSubmitted, "c", "a@b.se", id: "evt-1"), config, Now);

        state.RanOnce.ShouldBeEmpty();
        state.Outcomes.ShouldHaveSingleItem().Status.ShouldBe(OutcomeStatus.NotQueued);
    }

    [Fact]
    public void A_linked_contact_runs_every_click()
    {
        var config = Config([Pricing], maxWaiting: 1);
        var state = new ContactState();
        ContactDecisions.Accept(state, Click("evt-0"), config, Now);
        ContactDecisions.LinkTo(state, new CrmPerson(5, null, null, null, null, null, null), LinkSource.EmailMatch, Now);

        ContactDecisions.Accept(state, Click("evt-1"), config, Now).ShouldBe(TriggerDisposition.ActionsQueued);

        state.Outbox.Count.ShouldBe(4);
        state.Outcomes.ShouldBeEmpty();
    }

    [Fact]
    public void Runs_queued_before_the_lookup_made_the_contact_a_lead_are_bounded_when_it_becomes_one()
    {
        var config = Config([Pricing, Form]);
        var state = new ContactState();
        ContactDecisions.Accept(state, Click("evt-0"), config, Now);
        ContactDecisions.Accept(state, Build.Trigger(TriggerType.FormSubmitted, "c", "a@b.se", id: "evt-1"), config, Now);
        ContactDecisions.Accept(state, Click("evt-2"), config, Now);
        ContactDecisions.BecomeLead(state, new PersonResolution.NewLead(), Now);

        LeadBacklog.Trim(state, config, Now).ShouldBe(2);

        state.Outbox.Select(o => o.Key).ShouldBe(["evt-0:pricing:0", "evt-0:pricing:1", "evt-1:form:0"]);
        state.Outcomes.Select(o => (o.Key, o.Status)).ShouldBe([("evt-2:pricing:0", OutcomeStatus.Coalesced), ("evt-2:pricing:1", OutcomeStatus.Coalesced)]);
        LeadBacklog.Trim(state, config, Now).ShouldBe(0, "a bounded outbox is left as it is");
    }

    [Fact]
    public void A_lead_stored_before_the_bound_with_fifty_waiting_sales_keeps_its_first_set_on_its_next_trigger()
    {
        // As stored before: the lead's outbox took every click, and the tenant's settings had no limit (it reads 0).
        var config = Config([Pricing], maxWaiting: 0);
        var state = new ContactState();
        for (var i = 0; i < 50; i++)
        {
            ContactDecisions.Accept(state, Click($"evt-{i}"), config with { Automations = [Pricing with { QueueRepeatsWhileLead = true }] }, Now);
        }

        state.Lead = new LeadInfo(LeadReason.New, [], Now);
        state.Outbox.Count.ShouldBe(100);

        ContactDecisions.Accept(state, Click("evt-50"), config, Now);

        LeadBacklog.Limit(config.Settings).ShouldBe(TenantSettings.DefaultMaxWaitingLeadActions);
        state.Outbox.Select(o => o.Key).ShouldBe(["evt-0:pricing:0", "evt-0:pricing:1"]);
        state.Outcomes.Count.ShouldBe(100);
        state.Outcomes.ShouldAllBe(o => o.Status == OutcomeStatus.Coalesced);
    }

    [Fact]
    public void The_flag_and_the_limit_are_validated_and_round_trip_through_the_api_json()
    {
        var repeats = Pricing with { QueueRepeatsWhileLead = true };
        var json = JsonSerializer.Serialize(repeats, RelayJson.Options);
        json.ShouldContain("\"queueRepeatsWhileLead\":true");
        var back = JsonSerializer.Deserialize<Automation>(json, RelayJson.Options)!;
        back.QueueRepeatsWhileLead.ShouldBeTrue();
        JsonSerializer.Serialize(back, RelayJson.Options).ShouldBe(json);
        JsonSerializer.Deserialize<Automation>("""{"id":"a","when":{"type":"email.clicked"},"actions":[]}""", RelayJson.Options)!
            .QueueRepeatsWhileLead.ShouldBeFalse("automations coalesce unless they say otherwise");
        AutomationValidator.Validate([repeats with { RunPolicy = RunPolicy.OncePerContact }])
            .ShouldBe(["automations[0].queueRepeatsWhileLead: only an automation with runPolicy 'everyTime' runs more than once"]);

        var settings = JsonSerializer.Deserialize<TenantSettings>("""{"crm":{"baseUrl":"https://crm.example.com/SuperOffice"}}""", RelayJson.Options)!;
        settings.MaxWaitingLeadActions.ShouldBe(TenantSettings.DefaultMaxWaitingLeadActions);
        JsonSerializer.Serialize(settings with { MaxWaitingLeadActions = 7 }, RelayJson.Options).ShouldContain("\"maxWaitingLeadActions\":7");
        TenantRules.Validate(settings).ShouldBeEmpty();
        TenantRules.Validate(settings with { MaxWaitingLeadActions = 0 }).ShouldBe(["maxWaitingLeadActions: must be between 1 and 1000"]);
    }

    private static Trigger Click(string id) => Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se", id: id);

    private static TenantConfig Config(ImmutableArray<Automation> automations, int maxWaiting = TenantSettings.DefaultMaxWaitingLeadActions) =>
        new("t", new TenantSettings(null, new TenantCrmSettings("memory://t"), MaxWaitingLeadActions: maxWaiting), automations, 1);

    private static ContactState Lead(TenantConfig config, Trigger first)
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, first, config, Now);
        ContactDecisions.BecomeLead(state, new PersonResolution.NewLead(), Now);
        return state;
    }
}
