using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.DryRun;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Automations;

/// <summary>The dry run's decisions: the contact's own, on a copy of its state, without a cluster.</summary>
public sealed class DryRunDecisionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static readonly Automation Pricing = new("pricing", "Pricing", new AutomationMatch(TriggerType.EmailClicked, LinkUrl: "https://example.com/pricing", LinkMatch: LinkMatch.Prefix),
        [new CreateSaleAction("Pricing interest", 5000, 2, 20, ActionOwner.CompanyAssociate), new AddInterestAction(5)]);

    private static readonly Automation Once = new("once", "Once", new AutomationMatch(TriggerType.EmailClicked), [new AddToProjectAction(9)], RunPolicy.OncePerContact);

    private static readonly Automation Off = new("off", "Off", new AutomationMatch(TriggerType.EmailClicked), [new AddToSelectionAction(1)], Enabled: false);

    private static readonly Automation Form = new("form", "Form", new AutomationMatch(TriggerType.FormSubmitted, FormId: "form-demo"), [new AddToSelectionAction(1)]);

    [Fact]
    public void Each_automation_says_whether_it_runs_and_why_not()
    {
        var state = new ContactState { RanOnce = ["once"] };

        var accepted = DryRunDecisions.Accept(state, Click("t1"), Config(Pricing, Once, Off, Form), Now);

        accepted.Verdicts.Select(v => (v.AutomationId, v.Kind)).ShouldBe([
            ("pricing", AutomationVerdictKind.Matched), ("once", AutomationVerdictKind.AlreadyRanOnce),
            ("off", AutomationVerdictKind.Disabled), ("form", AutomationVerdictKind.NotMatched)]);
        accepted.Verdicts[3].Reason.ShouldBe("it waits for form.submitted, not email.clicked");
        accepted.Duplicate.ShouldBeFalse();
    }

    [Fact]
    public void A_link_that_does_not_match_is_named_in_the_reason()
    {
        var verdict = AutomationMatcher.Judge(Pricing, Click("t1") with { LinkUrl = "https://example.com/blog" }, new HashSet<string>());

        verdict.Kind.ShouldBe(AutomationVerdictKind.NotMatched);
        verdict.Reason.ShouldBe("it waits for a link starting with https://example.com/pricing, not https://example.com/blog");
    }

    [Fact]
    public void A_linked_contacts_writes_are_the_executors_with_the_person_owner_and_names()
    {
        var state = new ContactState { Link = new PersonLink(1522, 1521, 102, LinkSource.EmailMatch, Now) };
        var config = Config(Pricing);
        var accepted = DryRunDecisions.Accept(state, Click("t1"), config, Now);
        var names = new DryRunNames(new Dictionary<CrmList, IReadOnlyList<CrmListItem>>
        {
            [CrmList.Associates] = [new(102, "Anna Sales")],
            [CrmList.SaleTypes] = [new(2, "Upsell")],
            [CrmList.Interests] = [new(5, "Pricing")],
        });

        var writes = DryRunDecisions.Writes(state, Click("t1"), config, accepted.Verdicts, "c-1", Now, names);

        writes.Select(w => (w.Order, w.Kind, w.Status, w.PersonId)).ShouldBe([
            (1, ActionKind.CreateSale, DryRunWriteStatus.WouldWrite, (int?)1522), (2, ActionKind.AddInterest, DryRunWriteStatus.WouldWrite, (int?)1522)]);
        writes[0].Owner.ShouldBe(new NamedId(102, "Anna Sales"));
        writes[0].Target.ShouldBe(new NamedId(2, "Upsell"));
        writes[0].Reference.ShouldBe(ActionExecutor.ReferenceFor("t", "c-1", "t1:pricing:0"));
        writes[1].Target.ShouldBe(new NamedId(5, "Pricing"));
    }

    [Fact]
    public void A_trigger_the_contact_has_seen_is_a_duplicate_and_weighed_as_new()
    {
        var state = new ContactState();
        ContactDecisions.Accept(state, Click("t1"), Config(Pricing), Now);
        var queued = state.Outbox.Count;

        var accepted = DryRunDecisions.Accept(state, Click("t1"), Config(Pricing), Now);

        accepted.Duplicate.ShouldBeTrue();
        accepted.WaitingBefore.ShouldBe(queued);
        state.Outbox.Count.ShouldBe(2 * queued);
    }

    private static TenantConfig Config(params Automation[] automations) =>
        new("t", new TenantSettings("T", new TenantCrmSettings("memory://t")), [.. automations], 1);

    private static Trigger Click(string id) =>
        new(id, TriggerType.EmailClicked, Now.AddHours(-1), new ContactFields("c-1", "ann.berg@example.com", "Ann", "Berg"), new ContentRef("mail-2026-11"), "https://example.com/pricing?x=1");
}
