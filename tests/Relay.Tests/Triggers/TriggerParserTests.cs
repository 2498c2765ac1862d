using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Triggers;

namespace Relay.Tests.Triggers;

/// <summary>Trigger contract version 1: what is accepted and every reason for a rejection.</summary>
public sealed class TriggerParserTests
{
    private const string Full = """
        {
          "id": "evt-7f3a9c",
          "type": "email.clicked",
          "occurredAt": "2026-11-29T10:15:00+01:00",
          "contact": {
            "id": "c-10293",
            "email": "ann.berg@example.com",
            "firstName": "Ann", "lastName": "Berg", "title": "CFO",
            "phone": "+46 8 123 45", "mobile": "+46 70 123 45 67",
            "crmPersonId": 4711,
            "company": { "name": "Berg AB", "country": "SE", "category": "Customer", "industry": "Retail" }
          },
          "content": { "id": "mail-2026-11", "name": "November newsletter" },
          "link": { "url": "https://example.com/pricing" },
          "somethingNew": { "ignored": true }
        }
        """;

    /// <summary>The server clock the parser is given: a fixed time, so the five-minute boundary is exact.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_complete_trigger_is_read_into_the_record()
    {
        var result = Parse(Full);

        result.Errors.ShouldBeEmpty();
        var t = result.Trigger.ShouldNotBeNull();
        t.Id.ShouldBe("evt-7f3a9c");
        t.Type.ShouldBe(TriggerType.EmailClicked);
        t.OccurredAt.ShouldBe(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(1)));
        t.Contact.ShouldBe(new ContactFields("c-10293", "ann.berg@example.com", "Ann", "Berg", "CFO", "+46 8 123 45", "+46 70 123 45 67", 4711, new CompanyFields("Berg AB", "SE", "Customer", "Retail")));
        t.Content.ShouldBe(new ContentRef("mail-2026-11", "November newsletter"));
        t.LinkUrl.ShouldBe("https://example.com/pricing");
    }

    [Fact]
    public void A_form_trigger_keeps_its_fields_as_text()
    {
        var t = Parse("""{"id":"e","type":"form.submitted","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c","email":"a@b.se"},"form":{"id":"form-demo","fields":{"message":"Call me","seats":12,"urgent":true}}}""").Trigger.ShouldNotBeNull();

        t.Form!.Id.ShouldBe("form-demo");
        t.Form.Fields.ShouldBe(new Dictionary<string, string> { ["message"] = "Call me", ["seats"] = "12", ["urgent"] = "true" }, ignoreOrder: true);
    }

    [Fact]
    public void A_consent_trigger_reads_its_consent()
    {
        var t = Parse("""{"id":"e","type":"consent.changed","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c","email":"a@b.se"},"consent":{"purpose":"email-marketing","legalBasis":"consent","granted":false,"source":"form"}}""").Trigger.ShouldNotBeNull();

        t.Consent.ShouldBe(new ConsentChange("email-marketing", "consent", false, "form", null));
    }

    [Fact]
    public void A_person_id_alone_is_enough_to_identify_the_contact()
    {
        Parse(Edit(n => n["contact"]!.AsObject().Remove("email"))).Errors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("occurredAt")]
    [InlineData("contact")]
    [InlineData("link")]
    public void Each_missing_required_field_is_named(string field) =>
        Parse(Edit(n => n.Remove(field))).Errors.ShouldContain(new TriggerError(field, "required"));

    [Fact]
    public void A_missing_contact_id_is_named() =>
        Parse(Edit(n => n["contact"]!.AsObject().Remove("id"))).Errors.ShouldContain(new TriggerError("contact.id", "required"));

    [Fact]
    public void A_contact_without_email_or_person_id_is_rejected() =>
        Parse(Edit(n =>
        {
            n["contact"]!.AsObject().Remove("email");
            n["contact"]!.AsObject().Remove("crmPersonId");
        })).Errors.ShouldContain(new TriggerError("contact.email", "required unless contact.crmPersonId is given"));

    [Fact]
    public void An_unknown_type_is_rejected_with_the_known_ones() =>
        Parse(Edit(n => n["type"] = "email.bounced")).Errors.Single().ShouldBe(new TriggerError(
            "type", "unknown type 'email.bounced'; expected one of email.opened, email.clicked, form.submitted, sms.clicked, landingpage.visited, consent.changed, app.event"));

    [Theory]
    [InlineData("2026-11-29T10:15:00")]
    [InlineData("29/11/2026 10:15")]
    [InlineData("2026-13-29T10:15:00Z")]
    [InlineData("yesterday")]
    public void A_time_without_offset_or_not_iso_is_rejected(string time) =>
        Parse(Edit(n => n["occurredAt"] = time)).Errors.Single().ShouldBe(new TriggerError("occurredAt", $"'{time}' is not an ISO-8601 time with an offset, e.g. 2026-11-29T10:15:00Z"));

    [Fact]
    public void An_id_longer_than_128_characters_is_rejected() =>
        Parse(Edit(n => n["id"] = new string('x', 129))).Errors.Single().ShouldBe(new TriggerError("id", "longer than 128 characters (129)"));

    [Fact]
    public void An_id_of_128_characters_is_accepted() =>
        Parse(Edit(n => n["id"] = new string('x', 128))).Errors.ShouldBeEmpty();

    [Fact]
    public void An_empty_id_is_rejected() =>
        Parse(Edit(n => n["id"] = "  ")).Errors.ShouldContain(new TriggerError("id", "must not be empty"));

    [Fact]
    public void Wrong_field_types_are_named_with_what_was_sent()
    {
        var errors = Parse(Edit(n =>
        {
            n["id"] = 42;
            n["contact"]!["crmPersonId"] = "4711";
            n["contact"]!["firstName"] = new JsonArray();
            n["link"] = "https://example.com";
        })).Errors;

        errors.ShouldBe(
        [
            new TriggerError("id", "must be a string, got a number"),
            new TriggerError("contact.crmPersonId", "must be an integer, got a string"),
            new TriggerError("contact.firstName", "must be a string, got an array"),
            new TriggerError("link", "must be an object, got a string"),
        ], ignoreOrder: true);
    }

    [Theory]
    [InlineData("[]", "a trigger must be a JSON object, got an array")]
    [InlineData("\"evt\"", "a trigger must be a JSON object, got a string")]
    [InlineData("null", "a trigger must be a JSON object, got null")]
    public void A_trigger_that_is_not_an_object_is_rejected_as_a_whole(string json, string reason) =>
        Parse(json).Errors.ShouldBe([new TriggerError("", reason)]);

    [Fact]
    public void A_link_that_is_not_an_absolute_http_url_is_rejected() =>
        Parse(Edit(n => n["link"]!["url"] = "javascript:alert(1)")).Errors.Single().ShouldBe(new TriggerError("link.url", "'javascript:alert(1)' is not an absolute http(s) URL"));

    [Fact]
    public void An_email_that_is_not_an_address_is_rejected() =>
        Parse(Edit(n => n["contact"]!["email"] = "not an address")).Errors.Single().Path.ShouldBe("contact.email");

    [Fact]
    public void A_negative_person_id_is_rejected() =>
        Parse(Edit(n => n["contact"]!["crmPersonId"] = -1)).Errors.ShouldContain(new TriggerError("contact.crmPersonId", "must be a positive integer"));

    [Fact]
    public void A_form_trigger_without_its_form_and_a_consent_trigger_without_its_consent_are_rejected()
    {
        Parse(Edit(n => n["type"] = "form.submitted")).Errors.ShouldContain(new TriggerError("form", "required"));
        Parse(Edit(n => n["type"] = "consent.changed")).Errors.ShouldContain(new TriggerError("consent", "required"));
    }

    [Fact]
    public void A_consent_needs_purpose_legal_basis_and_a_boolean_granted() =>
        Parse("""{"id":"e","type":"consent.changed","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c","email":"a@b.se"},"consent":{"granted":"yes"}}""").Errors.ShouldBe(
        [
            new TriggerError("consent.purpose", "required"),
            new TriggerError("consent.legalBasis", "required"),
            new TriggerError("consent.granted", "must be true or false, got a string"),
        ], ignoreOrder: true);

    [Fact]
    public void A_bad_form_field_is_named_by_its_whole_name_even_when_it_holds_a_colon() =>
        Parse("""{"id":"e","type":"form.submitted","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c","email":"a@b.se"},"form":{"id":"f","fields":{"Budget: range":[1,2]}}}""").Errors.ShouldBe(
            [new TriggerError("form.fields.Budget: range", "must be a string, number or boolean, got an array")]);

    [Fact]
    public void Every_problem_of_an_item_is_reported_at_once() =>
        Parse("""{"type":"nope","contact":{}}""").Errors.Count.ShouldBe(5);

    [Theory]
    [InlineData("2026-11-29T12:05:00Z")]
    [InlineData("2026-11-29T13:05:00+01:00")]
    [InlineData("2020-01-01T00:00:00Z")]
    public void A_consent_change_dated_at_most_five_minutes_after_the_server_clock_is_accepted(string occurredAt) =>
        Parse(Consent(occurredAt)).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData("2026-11-29T12:05:01Z")]
    [InlineData("2099-01-01T00:00:00Z")]
    public void A_consent_change_dated_more_than_five_minutes_after_the_server_clock_is_rejected(string occurredAt)
    {
        var result = Parse(Consent(occurredAt));

        result.IsValid.ShouldBeFalse();
        result.Errors.ShouldBe([new TriggerError("occurredAt", "a consent change may not be dated more than 5 minutes after the server's time (2026-11-29T12:00:00Z)")]);
    }

    [Fact]
    public void Other_triggers_dated_in_the_future_are_accepted() =>
        Parse(Edit(n => n["occurredAt"] = "2099-01-01T00:00:00Z")).IsValid.ShouldBeTrue();

    private static string Consent(string occurredAt) =>
        $$$"""{"id":"e","type":"consent.changed","occurredAt":"{{{occurredAt}}}","contact":{"id":"c","email":"a@b.se"},"consent":{"purpose":"email-marketing","legalBasis":"consent","granted":true}}""";

    private static TriggerParseResult Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return TriggerParser.Parse(doc.RootElement, Now);
    }

    private static string Edit(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(Full)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }
}
