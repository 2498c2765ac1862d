using System.Text.Json;
using Relay.Triggers;

namespace Relay.Tests.Automations;

/// <summary>Which triggers an automation matches, and which automations are refused.</summary>
public sealed class AutomationTests
{
    private static readonly Trigger Click = Build.Trigger(TriggerType.EmailClicked, "c", "a@b.se", linkUrl: "https://example.com/pricing/enterprise", contentId: "mail-1");

    [Theory]
    [InlineData(TriggerType.EmailClicked, null, null, LinkMatch.Exact, true)]
    [InlineData(TriggerType.EmailOpened, null, null, LinkMatch.Exact, false)]
    [InlineData(TriggerType.EmailClicked, "mail-1", null, LinkMatch.Exact, true)]
    [InlineData(TriggerType.EmailClicked, "mail-2", null, LinkMatch.Exact, false)]
    [InlineData(TriggerType.EmailClicked, null, "https://example.com/pricing/enterprise", LinkMatch.Exact, true)]
    [InlineData(TriggerType.EmailClicked, null, "https://example.com/pricing", LinkMatch.Exact, false)]
    [InlineData(TriggerType.EmailClicked, null, "https://example.com/pricing", LinkMatch.Prefix, true)]
    [InlineData(TriggerType.EmailClicked, null, "https://example.com/about", LinkMatch.Prefix, false)]
    public void A_click_matches_on_type_content_and_link(TriggerType type, string? contentId, string? linkUrl, LinkMatch linkMatch, bool expected) =>
        AutomationMatcher.Matches(new AutomationMatch(type, contentId, linkUrl, linkMatch), Click).ShouldBe(expected);

    [Fact]
    public void A_form_matches_on_its_form_id()
    {
        var form = Build.Trigger(TriggerType.FormSubmitted, "c", "a@b.se", formId: "form-demo");

        AutomationMatcher.Matches(new AutomationMatch(TriggerType.FormSubmitted, FormId: "form-demo"), form).ShouldBeTrue();
        AutomationMatcher.Matches(new AutomationMatch(TriggerType.FormSubmitted, FormId: "form-other"), form).ShouldBeFalse();
    }

    [Fact]
    public void Disabled_automations_and_once_per_contact_automations_that_ran_are_left_out()
    {
        var every = Build.Automation(TriggerType.EmailClicked, new AddInterestAction(1));
        var disabled = every with { Id = "disabled", Enabled = false };
        var once = every with { Id = "once", RunPolicy = RunPolicy.OncePerContact };

        AutomationMatcher.Match(Click, [every, disabled, once], new HashSet<string>()).ShouldBe([every, once]);
        AutomationMatcher.Match(Click, [every, disabled, once], new HashSet<string> { "once" }).ShouldBe([every]);
    }

    [Fact]
    public void Valid_automations_pass() =>
        AutomationValidator.Validate([.. Relay.Hosting.DemoData.Automations]).ShouldBeEmpty();

    [Fact]
    public void Invalid_automations_are_refused_with_a_reason_per_problem()
    {
        var errors = AutomationValidator.Validate(
        [
            new Automation("a:1", null, new AutomationMatch(TriggerType.EmailOpened, LinkUrl: "https://x"), []),
            new Automation("dup", null, new AutomationMatch(TriggerType.FormSubmitted), [new CreateSaleAction("", -1, 0, 101, new ActionOwner(OwnerKind.Associate))]),
            new Automation("dup", null, new AutomationMatch(TriggerType.EmailClicked, FormId: "f"), [new CreateTaskAction(null, "x", 400, ActionOwner.CompanyAssociate), new AddToSelectionAction(0)]),
        ]);

        errors.ShouldBe(
        [
            "automations[0].id: 'a:1' may only hold letters, digits, '.', '_' and '-' (1–64 characters)",
            "automations[0].when.linkUrl: only email.clicked and sms.clicked triggers carry a link",
            "automations[0].actions: at least one action is required",
            "automations[1].actions[0].heading: required",
            "automations[1].actions[0].amount: must be zero or more",
            "automations[1].actions[0].probability: must be between 0 and 100",
            "automations[1].actions[0].saleTypeId: must be a positive integer when given",
            "automations[1].actions[0].owner.associateId: a positive associate id is required for kind 'associate'",
            "automations[2].id: 'dup' is used by another automation",
            "automations[2].when.formId: only form.submitted triggers carry a form",
            "automations[2].actions[0].dueInDays: must be between 0 and 365",
            "automations[2].actions[1].selectionId: must be a positive integer",
        ]);
    }

    [Fact]
    public void Automations_round_trip_through_the_api_json()
    {
        var json = JsonSerializer.Serialize(Relay.Hosting.DemoData.Automations, RelayJson.Options);

        json.ShouldContain("\"type\":\"createSale\"");
        json.ShouldContain("\"type\":\"email.clicked\"");
        json.ShouldContain("\"linkMatch\":\"prefix\"");
        json.ShouldContain("\"runPolicy\":\"oncePerContact\"");
        json.ShouldContain("\"kind\":\"companyAssociate\"");
        var back = JsonSerializer.Deserialize<ImmutableArray<Automation>>(json, RelayJson.Options);
        JsonSerializer.Serialize(back, RelayJson.Options).ShouldBe(json);
        back[0].Actions[0].ShouldBe(Relay.Hosting.DemoData.Automations[0].Actions[0]);
    }
}
