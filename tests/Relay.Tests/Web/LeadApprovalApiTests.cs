using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.Web;

/// <summary>
/// <c>POST /api/tenants/{tenant}/leads/{contactId}/approve</c> with corrections and a company choice, and
/// <c>GET …/companies</c>, against the host's emulator.
/// </summary>
public sealed class LeadApprovalApiTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private static readonly object Anna = new { associateId = 102, name = "Anna Sales" };

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_companies_a_lead_matches_are_proposed_and_corrected_fields_reach_SuperOffice_under_the_chosen_company()
    {
        var word = "Sund" + Guid.NewGuid().ToString("N")[..6];
        var existing = factory.Emulator.Store.AddCompany($"{word} Marin AB", 103).CompanyId;
        var (tenant, email) = await LeadAsync($"{word} marin");

        var companies = JsonNode.Parse(await _client.GetStringAsync($"/api/tenants/{tenant}/leads/c-1/companies"))!;
        var response = await _client.PostAsJsonAsync($"/api/tenants/{tenant}/leads/c-1/approve", new
        {
            by = Anna,
            fields = new { firstName = "Karin", lastName = "Sund", title = "COO", phone = "+45 33 00 00 00", country = "Denmark" },
            company = "existing",
            companyId = existing,
        });

        companies["kind"]!.GetValue<string>().ShouldBe("existing");
        companies["matches"]![0]!["company"]!["companyId"]!.GetValue<int>().ShouldBe(existing);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var person = new EmulatorTestCrm(factory.Emulator).PersonsWithEmail(email).ShouldHaveSingleItem();
        person.ShouldBe(person with { FirstName = "Karin", LastName = "Sund", Title = "COO", Phone = "+45 33 00 00 00", CompanyId = existing });
        factory.Emulator.Store.Read(s => s.Companies.Values.Count(c => c.Name.Contains(word, StringComparison.OrdinalIgnoreCase))).ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"fields":{"email":"not an address"}}""", "email:")]
    [InlineData("""{"fields":{"country":"Atlantis"}}""", "country: 'Atlantis' is not on SuperOffice's list")]
    [InlineData("""{"fields":{"industry":"Alchemy"}}""", "industry: 'Alchemy' is not on SuperOffice's list")]
    [InlineData("""{"company":"existing"}""", "companyId: required")]
    public async Task A_choice_that_is_not_valid_is_a_400_and_nothing_is_created(string choice, string error)
    {
        var (tenant, email) = await LeadAsync("Nowhere " + Guid.NewGuid().ToString("N")[..6]);
        var body = JsonNode.Parse(choice)!.AsObject();
        body["by"] = JsonNode.Parse("""{"associateId":102,"name":"Anna Sales"}""");

        var response = await _client.PostAsJsonAsync($"/api/tenants/{tenant}/leads/c-1/approve", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain(error);
        new EmulatorTestCrm(factory.Emulator).PersonsWithEmail(email).ShouldBeEmpty();
        (await _client.GetStringAsync($"/api/tenants/{tenant}/leads")).ShouldContain("c-1");
    }

    /// <summary>A tenant whose Lead Report lists every unknown contact, with one lead "c-1" at <paramref name="company"/>.</summary>
    private async Task<(string Tenant, string Email)> LeadAsync(string company)
    {
        var tenant = "w-" + Guid.NewGuid().ToString("N")[..10];
        var crm = new { baseUrl = factory.Emulator.BaseUrl.ToString(), userName = NetServerEmulator.Data.DemoSeed.UserName, password = NetServerEmulator.Data.DemoSeed.Password };
        (await _client.PutAsJsonAsync($"/api/admin/tenants/{tenant}", new { displayName = "Approvals", crm, createCompanyOnApprove = true, leadReport = "allUnknown" })).EnsureSuccessStatusCode();
        var email = $"{Guid.NewGuid():N}@example.com";
        var trigger = new JsonObject
        {
            ["id"] = "evt-" + Guid.NewGuid().ToString("N"),
            ["type"] = "email.opened",
            ["occurredAt"] = "2026-11-29T10:15:00Z",
            ["contact"] = new JsonObject { ["id"] = "c-1", ["email"] = email, ["firstName"] = "Karin", ["lastName"] = "Sudn", ["company"] = new JsonObject { ["name"] = company } },
        };
        (await _client.PostAsJsonAsync($"/api/tenants/{tenant}/triggers", new JsonArray(trigger))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Eventually.GetAsync(
            async () => JsonNode.Parse(await _client.GetStringAsync($"/api/tenants/{tenant}/leads"))!,
            l => l["total"]!.GetValue<int>() == 1,
            "the contact to be listed as a lead");
        return (tenant, email);
    }
}
