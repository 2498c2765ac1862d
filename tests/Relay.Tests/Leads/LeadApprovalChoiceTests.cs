using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Leads;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Triggers;

namespace Relay.Tests.Leads;

/// <summary>
/// Approving with the company look-up and with sales' corrections, against the emulator through the SOAP adapter:
/// a company that exists is linked and never created twice; corrected fields are what SuperOffice gets.
/// </summary>
[Collection(EmulatorClusterCollection.Name)]
public sealed class LeadApprovalChoiceTests(EmulatorClusterFixture fixture)
{
    private static readonly SalesUser Anna = new(102, "Anna Sales");

    private EmulatorStore Store => fixture.Emulator.Store;

    [Fact]
    public async Task Approving_a_lead_whose_company_exists_links_it_and_creates_no_second_company()
    {
        var word = Unique("Nordvik");
        var existing = Store.AddCompany($"{word} Logistik AB", 103).CompanyId;
        var (tenant, email) = await LeadAsync($"  {word.ToUpperInvariant()}  logistik ab (publ)");

        var result = await fixture.Contact(tenant, "c1").ApproveAsync(Anna);

        result.Status.ShouldBe(LeadDecisionStatus.Done, result.Message);
        fixture.Crm.PersonsWithEmail(email).ShouldHaveSingleItem().CompanyId.ShouldBe(existing);
        CompaniesNamed(word).ShouldBe([existing]);
        (await fixture.SettledAsync(tenant, "c1")).Decisions.ShouldHaveSingleItem().CompanyId.ShouldBe(existing);
    }

    [Fact]
    public async Task A_company_is_found_by_organisation_number_or_by_the_e_mail_domain()
    {
        var byNumber = Store.AddCompany(Unique("Registered") + " Holding AS", 103, orgNr: "556036-0793" + Random.Shared.Next(100, 999)).CompanyId;
        var orgNr = Store.Read(s => s.Companies[byNumber].OrgNr)!;
        var domain = $"webshop{Guid.NewGuid().ToString("N")[..8]}.se";
        var byDomain = Store.AddCompany(Unique("Webshop Nordic"), 103, url: $"https://www.{domain}/om-oss").CompanyId;

        var (numbered, numberedEmail) = await LeadAsync(Unique("Another name entirely"), orgNr: orgNr.Replace("-", " ", StringComparison.Ordinal));
        var (domained, domainedEmail) = await LeadAsync(Unique("Different"), email: $"{Guid.NewGuid():N}@{domain}");

        (await fixture.Contact(numbered, "c1").ApproveAsync(Anna)).Status.ShouldBe(LeadDecisionStatus.Done);
        (await fixture.Contact(domained, "c1").ApproveAsync(Anna)).Status.ShouldBe(LeadDecisionStatus.Done);

        fixture.Crm.PersonsWithEmail(numberedEmail).ShouldHaveSingleItem().CompanyId.ShouldBe(byNumber);
        fixture.Crm.PersonsWithEmail(domainedEmail).ShouldHaveSingleItem().CompanyId.ShouldBe(byDomain);
    }

    [Fact]
    public async Task Several_matching_companies_are_listed_and_the_one_sales_choose_is_linked()
    {
        var word = Unique("Twin");
        var first = Store.AddCompany($"{word} AB", 103).CompanyId;
        var second = Store.AddCompany($"{word} Ltd", 103).CompanyId;
        var (tenant, email) = await LeadAsync($"{word} GmbH");

        var proposal = await fixture.Client.GetGrain<ICrmLookupGrain>(tenant).ProposeCompanyAsync($"{word} GmbH", null, email);
        var refused = await fixture.Contact(tenant, "c1").ApproveAsync(Anna);
        var chosen = await fixture.Contact(tenant, "c1").ApproveAsync(Anna, new ApprovalChoice(Company: CompanyChoice.Existing, CompanyId: second));

        proposal.Kind.ShouldBe(CompanyProposalKind.Several);
        proposal.Matches.Select(m => m.Company.CompanyId).ShouldBe([first, second], ignoreOrder: true);
        refused.Status.ShouldBe(LeadDecisionStatus.Refused);
        refused.Message.ShouldContain("2 companies");
        chosen.Status.ShouldBe(LeadDecisionStatus.Done, chosen.Message);
        fixture.Crm.PersonsWithEmail(email).ShouldHaveSingleItem().CompanyId.ShouldBe(second);
        CompaniesNamed(word).ShouldBe([first, second], ignoreOrder: true);
    }

    [Fact]
    public async Task Corrected_fields_reach_SuperOffice()
    {
        var (tenant, email) = await LeadAsync(Unique("Typo Compnay"));
        var corrected = $"{Guid.NewGuid():N}@example.com";
        var name = Unique("Corrected Company") + " AB";
        var fields = new ApprovalFields("Anna", "Berglund", corrected, "+47 22 00 00 00", "", "Head of Sales", name, "Norway", "Partner", "Software", "NO-998877");

        var result = await fixture.Contact(tenant, "c1").ApproveAsync(Anna, new ApprovalChoice(fields, CompanyChoice.CreateNew));

        result.Status.ShouldBe(LeadDecisionStatus.Done, result.Message);
        fixture.Crm.PersonsWithEmail(email).ShouldBeEmpty();
        var person = fixture.Crm.PersonsWithEmail(corrected).ShouldHaveSingleItem();
        person.ShouldBe(new TestPerson(person.PersonId, "Anna", "Berglund", corrected, "+47 22 00 00 00", null, "Head of Sales", person.CompanyId, name));
        fixture.Crm.Company(person.CompanyId!.Value).ShouldBe(new TestCompany(person.CompanyId.Value, name, "NO", "Partner", "Software"));
        Store.Read(s => s.Companies[person.CompanyId.Value].OrgNr).ShouldBe("NO-998877");
    }

    [Fact]
    public async Task A_corrected_e_mail_that_a_SuperOffice_person_has_is_refused_and_nothing_is_created()
    {
        var taken = $"{Guid.NewGuid():N}@example.com";
        var existing = fixture.Crm.SeedPerson("Taken", "Person", taken);
        var (tenant, email) = await LeadAsync(Unique("Refused"));

        var result = await fixture.Contact(tenant, "c1").ApproveAsync(Anna, new ApprovalChoice(new ApprovalFields(Email: taken), CompanyChoice.None));

        result.Status.ShouldBe(LeadDecisionStatus.Refused);
        result.Message.ShouldContain($"person {existing}");
        fixture.Crm.PersonsWithEmail(taken).ShouldHaveSingleItem().PersonId.ShouldBe(existing);
        fixture.Crm.PersonsWithEmail(email).ShouldBeEmpty();
        (await fixture.ViewAsync(tenant, "c1"))!.Status.ShouldBe(ContactStatus.NewLead);
    }

    [Fact]
    public async Task With_the_AllUnknown_scope_a_contact_with_nothing_waiting_is_listed_and_by_default_it_is_not()
    {
        var all = await fixture.CreateTenantAsync(s => s with { LeadReport = LeadReportScope.AllUnknown });
        var waiting = await fixture.CreateTenantAsync(Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Only", 1, null, 10, ActionOwner.Associate(102))));

        await fixture.SendAsync(all, Build.Trigger(TriggerType.EmailOpened, "c1", Build.Email()));
        await fixture.SendAsync(waiting, Build.Trigger(TriggerType.EmailOpened, "c1", Build.Email()));

        (await fixture.LeadsAsync(all, 1)).Items.ShouldHaveSingleItem().ContactId.ShouldBe("c1");
        (await fixture.SettledAsync(waiting, "c1")).Status.ShouldNotBe(ContactStatus.NewLead);
        (await LeadIndex.GetPageAsync(fixture.Client, waiting, 0, 10)).Total.ShouldBe(0);
        (await fixture.Contact(all, "c1").ApproveAsync(Anna, new ApprovalChoice(Company: CompanyChoice.None))).Status.ShouldBe(LeadDecisionStatus.Done);
    }

    [Fact]
    public void AllUnknown_needs_new_contacts_looked_up()
    {
        var settings = new TenantSettings("T", new TenantCrmSettings("https://sod.superoffice.com/Cust1"), LookUpNewContacts: false, LeadReport: LeadReportScope.AllUnknown);

        TenantRules.Validate(settings).ShouldContain(e => e.StartsWith("leadReport:", StringComparison.Ordinal));
        TenantRules.Validate(settings with { LookUpNewContacts = true }).ShouldNotContain(e => e.StartsWith("leadReport:", StringComparison.Ordinal));
    }

    /// <summary>A tenant that creates companies on approval, with one lead "c1" at <paramref name="companyName"/>.</summary>
    private async Task<(string Tenant, string Email)> LeadAsync(string companyName, string? orgNr = null, string? email = null)
    {
        var tenant = await fixture.CreateTenantAsync(
            s => s with { CreateCompanyOnApprove = true },
            Build.Automation(TriggerType.EmailClicked, new CreateSaleAction("Lead", 1, null, 10, ActionOwner.Associate(102))));
        email ??= Build.Email();
        var trigger = Build.Trigger(TriggerType.EmailClicked, "c1", email);
        await fixture.SendAsync(tenant, trigger with { Contact = trigger.Contact with { Company = new CompanyFields(companyName, "SE", "Customer", "Retail", orgNr) } });
        await fixture.LeadsAsync(tenant, 1);
        return (tenant, email);
    }

    private int[] CompaniesNamed(string word) =>
        Store.Read(s => s.Companies.Values.Where(c => c.Name.Contains(word, StringComparison.OrdinalIgnoreCase)).Select(c => c.CompanyId).ToArray());

    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..8]}";
}
