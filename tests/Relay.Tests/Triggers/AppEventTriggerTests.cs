using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Triggers;

/// <summary><c>app.event</c> in trigger contract version 1: what is accepted, every reason for a rejection, and how automations match it.</summary>
public sealed class AppEventTriggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_app_event_is_read_with_its_name_and_flat_properties()
    {
        var result = Parse(App(n => n["properties"] = new JsonObject { ["plan"] = "pro", ["seats"] = 5, ["trial"] = true, ["skipped"] = null }));

        result.Errors.ShouldBeEmpty();
        var app = result.Trigger.ShouldNotBeNull().App.ShouldNotBeNull();
        result.Trigger.Type.ShouldBe(TriggerType.AppEvent);
        app.Name.ShouldBe("trial.started");
        app.Properties.ShouldBe(new Dictionary<string, string> { ["plan"] = "pro", ["seats"] = "5", ["trial"] = "true" }, ignoreOrder: true);
    }

    [Fact]
    public void An_app_event_without_properties_has_an_empty_map()
    {
        var result = Parse(App(_ => { }));

        result.Trigger.ShouldNotBeNull().App.ShouldNotBeNull().Properties.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, "required for app.event triggers: the app's name for the event, e.g. trial.started")]
    [InlineData("", "required")]
    [InlineData(" trial", "must not start or end with white space")]
    [InlineData("trial\nstarted", "must not contain control characters")]
    public void An_app_event_needs_a_clean_event_name(string? name, string error)
    {
        var result = Parse(App(n => n["eventName"] = name));

        result.IsValid.ShouldBeFalse();
        result.Errors.ShouldBe([new TriggerError("eventName", error)]);
    }

    [Fact]
    public void An_event_name_and_properties_are_bounded()
    {
        var many = new JsonObject();
        for (var i = 0; i <= TriggerParser.MaxEventProperties; i++)
        {
            many[$"p{i}"] = "v";
        }

        Parse(App(n => n["eventName"] = new string('e', TriggerParser.MaxEventNameLength + 1))).Errors
            .ShouldBe([new TriggerError("eventName", $"longer than {TriggerParser.MaxEventNameLength} characters ({TriggerParser.MaxEventNameLength + 1})")]);
        Parse(App(n => n["eventName"] = 42)).Errors.ShouldBe([new TriggerError("eventName", "must be a string, got a number")]);
        Parse(App(n => n["properties"] = many)).Errors.ShouldBe([new TriggerError("properties", $"at most {TriggerParser.MaxEventProperties} properties")]);
        Parse(App(n => n["properties"] = new JsonObject { ["long"] = new string('v', TriggerParser.MaxEventPropertyValueLength + 1) })).Errors
            .ShouldBe([new TriggerError("properties.long", $"longer than {TriggerParser.MaxEventPropertyValueLength} characters")]);
        Parse(App(n => n["properties"] = new JsonObject { [new string('k', TriggerParser.MaxEventPropertyNameLength + 1)] = "v" })).Errors
            .ShouldHaveSingleItem().Message.ShouldContain($"1–{TriggerParser.MaxEventPropertyNameLength} characters");
    }

    [Fact]
    public void Properties_must_be_a_flat_object()
    {
        Parse(App(n => n["properties"] = new JsonObject { ["nested"] = new JsonObject { ["a"] = "b" }, ["list"] = new JsonArray(1) })).Errors.ShouldBe(
        [
            new TriggerError("properties.nested", "must be a string, number or boolean (properties are flat), got an object"),
            new TriggerError("properties.list", "must be a string, number or boolean (properties are flat), got an array"),
        ]);
        Parse(App(n => n["properties"] = "plan=pro")).Errors.ShouldBe([new TriggerError("properties", "must be an object, got a string")]);
    }

    [Fact]
    public void Other_types_ignore_event_fields()
    {
        var result = Parse(App(n => n["type"] = "email.opened"));

        result.Trigger.ShouldNotBeNull().App.ShouldBeNull();
    }

    [Fact]
    public void An_automation_matches_an_app_event_by_its_exact_name()
    {
        var trial = Trigger("trial.started");

        AutomationMatcher.Matches(new AutomationMatch(TriggerType.AppEvent), trial).ShouldBeTrue();
        AutomationMatcher.Matches(new AutomationMatch(TriggerType.AppEvent, EventName: "trial.started"), trial).ShouldBeTrue();
        AutomationMatcher.Mismatch(new AutomationMatch(TriggerType.AppEvent, EventName: "trial.ended"), trial)
            .ShouldBe("it waits for the app event 'trial.ended', not 'trial.started'");
        AutomationMatcher.Matches(new AutomationMatch(TriggerType.AppEvent, EventName: "Trial.Started"), trial).ShouldBeFalse();
        AutomationMatcher.Matches(new AutomationMatch(TriggerType.FormSubmitted), trial).ShouldBeFalse();
    }

    [Fact]
    public void An_event_name_condition_is_refused_on_other_types_and_when_unbounded()
    {
        Errors(new AutomationMatch(TriggerType.EmailOpened, EventName: "trial.started")).ShouldBe(["automations[0].when.eventName: only app.event triggers carry an event name"]);
        Errors(new AutomationMatch(TriggerType.AppEvent, EventName: new string('e', 200)))
            .ShouldBe([$"automations[0].when.eventName: longer than {TriggerParser.MaxEventNameLength} characters (200)"]);
        Errors(new AutomationMatch(TriggerType.AppEvent, EventName: "")).ShouldBe(["automations[0].when: leave a condition out instead of giving it an empty value"]);
        Errors(new AutomationMatch(TriggerType.AppEvent, EventName: "trial.started")).ShouldBeEmpty();
    }

    [Fact]
    public void An_app_event_is_recorded_on_the_timeline_with_its_name_and_runs_the_matching_automation_only()
    {
        var state = new Relay.Contacts.ContactState();
        var config = new TenantConfig(
            "t",
            new TenantSettings("t", new TenantCrmSettings("memory://t")),
            [
                new Automation("trial", null, new AutomationMatch(TriggerType.AppEvent, EventName: "trial.started"), [new AddInterestAction(7)]),
                new Automation("ended", null, new AutomationMatch(TriggerType.AppEvent, EventName: "trial.ended"), [new AddInterestAction(8)]),
            ],
            1);

        Relay.Contacts.ContactDecisions.Accept(state, Trigger("trial.started"), config, Now);

        var entry = state.Timeline.ShouldHaveSingleItem();
        entry.EventName.ShouldBe("trial.started");
        entry.AutomationIds.ShouldBe(["trial"]);
        state.Outbox.ShouldHaveSingleItem().EventName.ShouldBe("trial.started");
    }

    private static IReadOnlyList<string> Errors(AutomationMatch when) =>
        AutomationValidator.Validate([new Automation("a", null, when, [new AddInterestAction(1)])]);

    private static Trigger Trigger(string name) =>
        Build.Trigger(TriggerType.AppEvent, "c", "a@b.se") with { App = new AppEventData(name, ImmutableDictionary<string, string>.Empty) };

    private static string App(Action<JsonObject> edit)
    {
        var node = new JsonObject
        {
            ["id"] = "evt-app-1",
            ["type"] = "app.event",
            ["occurredAt"] = "2026-11-29T10:15:00Z",
            ["contact"] = new JsonObject { ["id"] = "c-1", ["email"] = "ann.berg@example.com" },
            ["eventName"] = "trial.started",
        };
        edit(node);
        return node.ToJsonString();
    }

    private static TriggerParseResult Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return TriggerParser.Parse(doc.RootElement, Now);
    }
}
