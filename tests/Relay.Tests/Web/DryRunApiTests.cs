using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Hosting;
using Relay.Triggers;

namespace Relay.Tests.Web;

/// <summary><c>POST /api/admin/tenants/{tenant}/automations/dry-run</c>: what a trigger would do, with nothing written.</summary>
public sealed class DryRunApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private const string AnnEmail = "ann.berg@example.com";

    [Fact]
    public async Task Ann_Bergs_pricing_click_shows_the_sale_the_notification_and_the_interest_with_her_person_id_and_writes_nothing()
    {
        var tenant = await TenantAsync(new Automation("switched-off", "Switched off", new AutomationMatch(TriggerType.EmailClicked), [new AddInterestAction(1)], Enabled: false));
        using var admin = factory.CreateAdminClient();
        var contactId = "dry-" + Guid.NewGuid().ToString("N")[..8];
        var ledger = factory.Emulator.Store.Ledger().Count;

        var response = await admin.PostAsJsonAsync(DryRunPath(tenant), new JsonObject { ["trigger"] = PricingClick(contactId) });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var report = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        var verdicts = report["automations"]!.AsArray().ToDictionary(a => a!["automationId"]!.GetValue<string>(), a => a!);
        verdicts["pricing-click"]["kind"]!.GetValue<string>().ShouldBe("matched");
        verdicts["demo-request"]["kind"]!.GetValue<string>().ShouldBe("notMatched");
        verdicts["demo-request"]["reason"]!.GetValue<string>().ShouldContain("form.submitted");
        verdicts["switched-off"]["kind"]!.GetValue<string>().ShouldBe("disabled");
        report["duplicate"]!.GetValue<bool>().ShouldBeFalse();
        report["contactKnown"]!.GetValue<bool>().ShouldBeFalse();

        var ann = AnnPersonId();
        report["resolution"]!["kind"]!.GetValue<string>().ShouldBe("emailMatch");
        report["resolution"]!["person"]!["personId"]!.GetValue<int>().ShouldBe(ann);
        report["resolution"]!["person"]!["companyAssociate"]!["name"]!.GetValue<string>().ShouldBe("Anna Sales");

        var writes = report["writes"]!.AsArray();
        writes.Select(w => w!["kind"]!.GetValue<string>()).ShouldBe(["createSale", "notifySalesRep", "addInterest"]);
        writes.ShouldAllBe(w => w!["personId"]!.GetValue<int>() == ann && w["status"]!.GetValue<string>() == "wouldWrite");
        var sale = writes[0]!;
        (sale["heading"]!.GetValue<string>(), sale["amount"]!.GetValue<double>(), sale["probability"]!.GetValue<int>()).ShouldBe(("Pricing interest", 5000d, 20));
        (sale["owner"]!["id"]!.GetValue<int>(), sale["owner"]!["name"]!.GetValue<string>()).ShouldBe((102, "Anna Sales"));
        sale["ownerRule"]!.GetValue<string>().ShouldBe("the company's associate");
        sale["reference"]!.GetValue<string>().ShouldStartWith("RLY-");
        writes[1]!["description"]!.GetValue<string>().ShouldStartWith("Clicked the pricing page in a newsletter");
        writes[1]!["owner"]!["name"]!.GetValue<string>().ShouldBe("Anna Sales");
        (writes[2]!["target"]!["id"]!.GetValue<int>(), writes[2]!["target"]!["name"]!.GetValue<string>()).ShouldBe((5, "Pricing"));

        factory.Emulator.Store.Ledger().Count.ShouldBe(ledger);
        (await admin.GetAsync($"/api/tenants/{tenant}/contacts/{contactId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_trigger_from_a_linked_contacts_timeline_is_noted_as_a_duplicate_whose_run_once_automation_already_ran_and_the_contact_is_unchanged()
    {
        var tenant = await TenantAsync();
        using var admin = factory.CreateAdminClient();
        var contactId = "dry-" + Guid.NewGuid().ToString("N")[..8];
        var opened = new JsonObject
        {
            ["id"] = "evt-" + Guid.NewGuid().ToString("N"), ["type"] = "email.opened", ["occurredAt"] = "2026-11-29T10:15:00Z",
            ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = AnnEmail, ["firstName"] = "Ann", ["lastName"] = "Berg" },
            ["content"] = new JsonObject { ["id"] = "mail-2026-11", ["name"] = "November newsletter" },
        };
        (await admin.PostAsJsonAsync($"/api/tenants/{tenant}/triggers", new JsonArray(opened))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var before = await Eventually.GetAsync(
            async () => await admin.GetAsync($"/api/tenants/{tenant}/contacts/{contactId}") is { IsSuccessStatusCode: true } r ? await r.Content.ReadAsStringAsync() : "",
            c => c.Length > 0 && JsonNode.Parse(c)!["outcomes"]!.AsArray().Count == 1,
            "the newsletter automation to add the contact to the project");
        var ledger = factory.Emulator.Store.Ledger().Count;

        var response = await admin.PostAsJsonAsync(DryRunPath(tenant), new { contactId, triggerId = opened["id"]!.GetValue<string>() });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var report = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        report["duplicate"]!.GetValue<bool>().ShouldBeTrue();
        report["trigger"]!["fromTimeline"]!.GetValue<bool>().ShouldBeTrue();
        report["contactKnown"]!.GetValue<bool>().ShouldBeTrue();
        report["notes"]![0]!.GetValue<string>().ShouldContain("would be dropped");
        report["automations"]!.AsArray().Single(a => a!["automationId"]!.GetValue<string>() == "newsletter-reader")!["kind"]!.GetValue<string>().ShouldBe("alreadyRanOnce");
        report["writes"]!.AsArray().ShouldBeEmpty();
        report["resolution"]!["kind"]!.GetValue<string>().ShouldBe("linked");
        report["resolution"]!["person"]!["personId"]!.GetValue<int>().ShouldBe(AnnPersonId());

        (await admin.GetStringAsync($"/api/tenants/{tenant}/contacts/{contactId}")).ShouldBe(before);
        factory.Emulator.Store.Ledger().Count.ShouldBe(ledger);
    }

    [Fact]
    public async Task An_unknown_e_mail_is_a_new_lead_whose_writes_wait_and_a_shared_one_an_ambiguous_lead_with_its_candidates()
    {
        var tenant = await TenantAsync();
        using var admin = factory.CreateAdminClient();

        var fresh = await ReportAsync(admin, tenant, PricingClick("dry-new", Build.Email()));
        var shared = await ReportAsync(admin, tenant, PricingClick("dry-shared", "info@nordic.example"));

        fresh["resolution"]!["kind"]!.GetValue<string>().ShouldBe("newLead");
        fresh["writes"]!.AsArray().ShouldAllBe(w => w!["status"]!.GetValue<string>() == "waitsAsLead" && w["personId"] == null);
        fresh["writes"]![0]!["ownerRule"]!.GetValue<string>().ShouldContain("once sales approves or links the lead");
        shared["resolution"]!["kind"]!.GetValue<string>().ShouldBe("ambiguousLead");
        shared["resolution"]!["candidates"]!.AsArray().Select(c => c!["personName"]!.GetValue<string>()).Order().ShouldBe(["Lars Nord", "Lena Nord"]);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_reason_per_field_and_nothing_runs()
    {
        var tenant = await TenantAsync();
        using var admin = factory.CreateAdminClient();
        var ledger = factory.Emulator.Store.Ledger().Count;

        var malformed = await admin.PostAsJsonAsync(DryRunPath(tenant), new { trigger = new { id = "", type = "email.nope", contact = new { } } });
        var neither = await admin.PostAsJsonAsync(DryRunPath(tenant), new { something = 1 });
        var both = await admin.PostAsJsonAsync(DryRunPath(tenant), new { trigger = PricingClick("c-1"), contactId = "c-1", triggerId = "t" });
        var halfTimeline = await admin.PostAsJsonAsync(DryRunPath(tenant), new { contactId = "c-1" });
        using var notJson = new StringContent("{\"trigger\":", Encoding.UTF8, "application/json");
        var broken = await admin.PostAsync(DryRunPath(tenant), notJson);
        using var text = new StringContent("hello", Encoding.UTF8, "text/plain");
        var plain = await admin.PostAsync(DryRunPath(tenant), text);

        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await malformed.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!.AsObject();
        errors.Select(e => e.Key).ShouldContain("trigger.type");
        errors.Select(e => e.Key).ShouldContain("trigger.occurredAt");
        errors["trigger.type"]![0]!.GetValue<string>().ShouldContain("unknown type 'email.nope'");
        neither.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await neither.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!["body"]![0]!.GetValue<string>().ShouldContain("contactId");
        both.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        halfTimeline.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await halfTimeline.Content.ReadFromJsonAsync<JsonNode>())!["errors"]!["triggerId"].ShouldNotBeNull();
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        plain.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        factory.Emulator.Store.Ledger().Count.ShouldBe(ledger);
    }

    [Fact]
    public async Task An_unknown_tenant_contact_or_timeline_trigger_is_404_and_no_credential_is_401()
    {
        var tenant = await TenantAsync();
        using var admin = factory.CreateAdminClient();
        using var anonymous = factory.CreateAnonymousClient();
        var contactId = "dry-" + Guid.NewGuid().ToString("N")[..8];
        await ReportAsync(admin, tenant, PricingClick(contactId)); // a dry run leaves no contact behind to find
        var known = "dry-" + Guid.NewGuid().ToString("N")[..8];
        // A new lead: known to Relay, and nothing written to SuperOffice while the other tests count the ledger.
        (await admin.PostAsJsonAsync($"/api/tenants/{tenant}/triggers", new JsonArray(PricingClick(known, Build.Email())))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Eventually.ThatAsync(async () => (await admin.GetAsync($"/api/tenants/{tenant}/contacts/{known}")).IsSuccessStatusCode, "the contact to be known");

        var unknownTenant = await admin.PostAsJsonAsync(DryRunPath("no-such-tenant"), new { trigger = PricingClick("c-1") });
        var unknownContact = await admin.PostAsJsonAsync(DryRunPath(tenant), new { contactId, triggerId = "evt-1" });
        var unknownTrigger = await admin.PostAsJsonAsync(DryRunPath(tenant), new { contactId = known, triggerId = "evt-never" });
        var noCredential = await anonymous.PostAsJsonAsync(DryRunPath(tenant), new { trigger = PricingClick("c-1") });

        unknownTenant.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknownContact.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknownContact.Content.ReadFromJsonAsync<JsonNode>())!["title"]!.GetValue<string>().ShouldBe("Unknown contact");
        unknownTrigger.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknownTrigger.Content.ReadFromJsonAsync<JsonNode>())!["title"]!.GetValue<string>().ShouldBe("Unknown trigger");
        noCredential.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>A click on the pricing page in the November newsletter.</summary>
    internal static JsonObject PricingClick(string contactId, string email = AnnEmail) => new()
    {
        ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
        ["type"] = "email.clicked",
        ["occurredAt"] = "2026-11-29T10:15:00Z",
        ["contact"] = new JsonObject { ["id"] = contactId, ["email"] = email, ["firstName"] = "Ann", ["lastName"] = "Berg" },
        ["content"] = new JsonObject { ["id"] = "mail-2026-11", ["name"] = "November newsletter" },
        ["link"] = new JsonObject { ["url"] = "https://example.com/pricing?plan=team" },
    };

    private static string DryRunPath(string tenant) => $"/api/admin/tenants/{tenant}/automations/dry-run";

    private static async Task<JsonNode> ReportAsync(HttpClient admin, string tenant, JsonObject trigger)
    {
        var response = await admin.PostAsJsonAsync(DryRunPath(tenant), new JsonObject { ["trigger"] = trigger });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private int AnnPersonId() => factory.Emulator.Store.Read(s => s.Persons.Values.Single(p => p.Emails.Contains(AnnEmail)).PersonId);

    /// <summary>A tenant on the host's emulator with the demo's automations (pricing click, demo request, newsletter) and <paramref name="extra"/>.</summary>
    private Task<string> TenantAsync(params Automation[] extra)
    {
        var (webinar, launch) = factory.Emulator.Store.Read(s => (
            s.Selections.Values.Single(x => x.Name == "Webinar attendees").SelectionId,
            s.Projects.Values.Single(x => x.Name == "Spring launch").ProjectId));
        var automations = DemoData.AutomationsFor(webinar, launch, pricingInterestId: 5, salesRepAssociateId: 102).AddRange(extra);
        return factory.CreateTenantAsync(JsonSerializer.Serialize(automations, RelayJson.Options));
    }
}
