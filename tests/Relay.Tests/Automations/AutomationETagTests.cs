using Relay.Triggers;

namespace Relay.Tests.Automations;

/// <summary>The strong entity tag of one automation and how <c>If-Match</c> is read against it.</summary>
public sealed class AutomationETagTests
{
    private static readonly Automation Pricing = new("pricing", "Pricing", new AutomationMatch(TriggerType.EmailClicked), [new AddInterestAction(5)]);

    [Fact]
    public void The_tag_changes_exactly_when_the_automation_does()
    {
        AutomationETag.Of(Pricing with { }).ShouldBe(AutomationETag.Of(Pricing));
        AutomationETag.Of(Pricing with { Name = "Pricing page" }).ShouldNotBe(AutomationETag.Of(Pricing));
        AutomationETag.Of(Pricing).ShouldStartWith("\"");
    }

    [Fact]
    public void If_Match_admits_the_current_tag_in_a_list_or_a_star_but_never_a_weak_tag_or_a_missing_automation()
    {
        var tag = AutomationETag.Of(Pricing);

        AutomationETag.Admits(tag, tag).ShouldBeTrue();
        AutomationETag.Admits($"\"other\", {tag}", tag).ShouldBeTrue();
        AutomationETag.Admits("*", tag).ShouldBeTrue();
        AutomationETag.Admits("W/" + tag, tag).ShouldBeFalse();
        AutomationETag.Admits("*", null).ShouldBeFalse();
    }
}
