using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.Web;

/// <summary>The ingest API through the real web host: what is accepted, and that a refused batch queues nothing.</summary>
public sealed class IngestApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_valid_batch_is_accepted_with_its_ids_and_reaches_the_contacts()
    {
        var tenant = await factory.CreateTenantAsync();
        var a = Trigger("c-a");
        var b = Trigger("c-b");

        var response = await PostAsync(tenant, new JsonArray(a, b));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["accepted"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe([(string)a["id"]!, (string)b["id"]!]);
        body["count"]!.GetValue<int>().ShouldBe(2);
        var contact = await Eventually.GetAsync(() => _client.GetAsync($"/api/tenants/{tenant}/contacts/c-a"), r => r.StatusCode == HttpStatusCode.OK, "contact c-a to be readable");
        var view = JsonNode.Parse(await contact.Content.ReadAsStringAsync())!;
        view["timelineTotal"]!.GetValue<int>().ShouldBe(1);
        view["timeline"]![0]!["triggerId"]!.GetValue<string>().ShouldBe((string)a["id"]!);
        view["timeline"]![0]!["type"]!.GetValue<string>().ShouldBe("email.opened");
    }

    [Fact]
    public async Task Malformed_json_is_refused_and_nothing_is_queued()
    {
        var tenant = await factory.CreateTenantAsync();

        var response = await PostRawAsync(tenant, """[{"id":"evt-x","type":"email.opened","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c-x","email":"a@b.se"}""");

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "The body is not valid JSON");
        await ShouldNotExistAsync(tenant, "c-x");
    }

    [Theory]
    [InlineData("id", "[1].id", "required")]
    [InlineData("type", "[1].type", "required")]
    [InlineData("occurredAt", "[1].occurredAt", "required")]
    [InlineData("contact", "[1].contact", "required")]
    public async Task A_batch_with_an_item_missing_a_required_field_is_refused_whole(string field, string key, string reason)
    {
        var tenant = await factory.CreateTenantAsync();
        var valid = Trigger("c-valid");
        var invalid = Trigger("c-invalid");
        invalid.Remove(field);

        var response = await PostAsync(tenant, new JsonArray(valid, invalid));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "The batch was rejected");
        problem["errors"]![key]!.AsArray().Select(n => n!.GetValue<string>()).ShouldContain(reason);
        problem["detail"]!.GetValue<string>().ShouldBe("1 of 2 triggers are invalid; nothing was queued. Fix them and send the batch again.");
        await ShouldNotExistAsync(tenant, "c-valid");
        await ShouldNotExistAsync(tenant, "c-invalid");
    }

    [Fact]
    public async Task A_contact_without_email_or_person_id_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        var t = Trigger("c-noemail");
        t["contact"]!.AsObject().Remove("email");

        var problem = await ShouldBeProblemAsync(await PostAsync(tenant, new JsonArray(t)), HttpStatusCode.BadRequest, "The batch was rejected");

        problem["errors"]!["[0].contact.email"]![0]!.GetValue<string>().ShouldBe("required unless contact.crmPersonId is given");
        await ShouldNotExistAsync(tenant, "c-noemail");
    }

    [Fact]
    public async Task An_unknown_type_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        var t = Trigger("c-type");
        t["type"] = "email.bounced";

        var problem = await ShouldBeProblemAsync(await PostAsync(tenant, new JsonArray(t)), HttpStatusCode.BadRequest, "The batch was rejected");

        problem["errors"]!["[0].type"]![0]!.GetValue<string>().ShouldStartWith("unknown type 'email.bounced'");
        await ShouldNotExistAsync(tenant, "c-type");
    }

    [Fact]
    public async Task Errors_are_keyed_by_the_item_and_the_exact_field_path_even_when_a_form_field_name_holds_a_colon()
    {
        var tenant = await factory.CreateTenantAsync();
        var form = Trigger("c-form-colon");
        form["type"] = "form.submitted";
        form["form"] = new JsonObject { ["id"] = "form-demo", ["fields"] = new JsonObject { ["Your question: details"] = new JsonObject() } };

        var problem = await ShouldBeProblemAsync(await PostAsync(tenant, new JsonArray(Trigger("c-ok"), "not a trigger", form)), HttpStatusCode.BadRequest, "The batch was rejected");

        problem["errors"]!.AsObject().Select(e => $"{e.Key} => {string.Join(" | ", e.Value!.AsArray().Select(n => n!.GetValue<string>()))}").ShouldBe(
        [
            "[1] => a trigger must be a JSON object, got a string",
            "[2].form.fields.Your question: details => must be a string, number or boolean, got an object",
        ], ignoreOrder: true);
        problem["detail"]!.GetValue<string>().ShouldBe("2 of 3 triggers are invalid; nothing was queued. Fix them and send the batch again.");
        await ShouldNotExistAsync(tenant, "c-ok");
    }

    [Fact]
    public async Task An_unknown_tenant_is_not_found()
    {
        var response = await PostAsync("no-such-tenant", new JsonArray(Trigger("c-1")));

        await ShouldBeProblemAsync(response, HttpStatusCode.NotFound, "Unknown tenant");
    }

    [Fact]
    public async Task A_batch_of_more_than_a_thousand_triggers_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        var batch = new JsonArray([.. Enumerable.Range(0, 1001).Select(i => (JsonNode)Trigger($"c-big-{i}"))]);

        await ShouldBeProblemAsync(await PostAsync(tenant, batch), HttpStatusCode.RequestEntityTooLarge, "The batch has too many triggers");
        await ShouldNotExistAsync(tenant, "c-big-0");
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        var t = Trigger("c-huge");
        t["padding"] = new string('x', 1024 * 1024);

        await ShouldBeProblemAsync(await PostAsync(tenant, new JsonArray(t)), HttpStatusCode.RequestEntityTooLarge, "The batch is too large");
        await ShouldNotExistAsync(tenant, "c-huge");
    }

    [Theory]
    [InlineData("{}", "The body must be a JSON array of triggers")]
    [InlineData("[]", "The batch is empty")]
    public async Task A_body_that_is_not_a_list_of_triggers_is_refused(string body, string title)
    {
        var tenant = await factory.CreateTenantAsync();

        await ShouldBeProblemAsync(await PostRawAsync(tenant, body), HttpStatusCode.BadRequest, title);
    }

    [Fact]
    public async Task A_body_that_is_not_json_content_is_refused()
    {
        var tenant = await factory.CreateTenantAsync();
        using var content = new StringContent("[]", Encoding.UTF8, "text/plain");

        await ShouldBeProblemAsync(await _client.PostAsync($"/api/tenants/{tenant}/triggers", content), HttpStatusCode.UnsupportedMediaType, "Triggers must be sent as JSON");
    }

    [Fact]
    public async Task A_contact_with_an_unknown_email_appears_in_the_lead_index()
    {
        var tenant = await factory.CreateTenantAsync("""[{"id":"a","when":{"type":"email.opened"},"actions":[{"type":"addInterest","interestId":1}]}]""");

        (await PostAsync(tenant, new JsonArray(Trigger("c-lead")))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var leads = await Eventually.GetAsync(
            async () => JsonNode.Parse(await _client.GetStringAsync($"/api/tenants/{tenant}/leads"))!,
            l => l["total"]!.GetValue<int>() == 1,
            "the lead to be listed");
        leads["items"]![0]!["contactId"]!.GetValue<string>().ShouldBe("c-lead");
        leads["items"]![0]!["reason"]!.GetValue<string>().ShouldBe("new");
        leads["items"]![0]!["pendingActions"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task A_body_with_invalid_utf8_inside_a_string_is_a_bad_request_without_exception_details()
    {
        var tenant = await factory.CreateTenantAsync();
        byte[] body = [.. Encoding.UTF8.GetBytes("""[{"id":"evt-utf8","type":"email.opened","occurredAt":"2026-11-29T10:15:00Z","contact":{"id":"c-utf8","email":"a@b.se","firstName":"A"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}}]")];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");

        var response = await _client.PostAsync($"/api/tenants/{tenant}/triggers", content);

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "The body is not valid UTF-8");
        problem.ToJsonString().ShouldNotContain("Exception");
        await ShouldNotExistAsync(tenant, "c-utf8");
    }

    [Fact]
    public async Task Two_triggers_with_the_same_id_are_refused_naming_both_positions_and_nothing_is_queued()
    {
        var tenant = await factory.CreateTenantAsync();
        var first = Trigger("c-dup-0");
        var again = Trigger("c-dup-3");
        again["id"] = first["id"]!.GetValue<string>();

        var response = await PostAsync(tenant, new JsonArray(first, Trigger("c-dup-1"), Trigger("c-dup-2"), again));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "The batch was rejected");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["[3].id"]);
        problem["errors"]!["[3].id"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["duplicates [0].id"]);
        problem["detail"]!.GetValue<string>().ShouldStartWith("1 of 4 triggers are invalid; nothing was queued.");
        foreach (var contact in new[] { "c-dup-0", "c-dup-1", "c-dup-2", "c-dup-3" })
        {
            await ShouldNotExistAsync(tenant, contact);
        }
    }

    [Fact]
    public async Task A_consent_change_dated_far_in_the_future_is_refused_naming_its_time()
    {
        var tenant = await factory.CreateTenantAsync();
        var consent = Trigger("c-future");
        consent["type"] = "consent.changed";
        consent["occurredAt"] = "2099-01-01T00:00:00Z";
        consent["consent"] = new JsonObject { ["purpose"] = "email-marketing", ["legalBasis"] = "consent", ["granted"] = true };
        var opened = Trigger("c-future-open");
        opened["occurredAt"] = "2099-01-01T00:00:00Z";

        var response = await PostAsync(tenant, new JsonArray(opened, consent));

        var problem = await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "The batch was rejected");
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["[1].occurredAt"]);
        problem["errors"]!["[1].occurredAt"]![0]!.GetValue<string>().ShouldStartWith("a consent change may not be dated more than 5 minutes after the server's time");
        await ShouldNotExistAsync(tenant, "c-future");
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        (await _client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static JsonObject Trigger(string contactId) => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "email.opened",
        ["occurredAt"] = "2026-11-29T10:15:00Z",
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = $"{Guid.NewGuid():N}@example.com", ["firstName"] = "Ann" },
        ["content"] = new JsonObject { ["id"] = "mail-2026-11", ["name"] = "November newsletter" },
    };

    private Task<HttpResponseMessage> PostAsync(string tenant, JsonArray batch) => PostRawAsync(tenant, batch.ToJsonString());

    private async Task<HttpResponseMessage> PostRawAsync(string tenant, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await _client.PostAsync($"/api/tenants/{tenant}/triggers", content);
    }

    private static async Task<JsonNode> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["title"]!.GetValue<string>().ShouldBe(title);
        problem["status"]!.GetValue<int>().ShouldBe((int)status);
        return problem;
    }

    private async Task ShouldNotExistAsync(string tenant, string contactId)
    {
        var response = await _client.GetAsync($"/api/tenants/{tenant}/contacts/{contactId}");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"contact {contactId} should have received nothing");
        JsonSerializer.Deserialize<JsonNode>(await response.Content.ReadAsStringAsync())!["title"]!.GetValue<string>().ShouldBe("Unknown contact");
    }
}
