using Relay.Crm;

namespace Relay.Tests.Crm;

/// <summary>Which companies are the lead's: names without legal forms, organisation numbers however spaced, e-mail domains.</summary>
public sealed class CompanyMatcherTests
{
    [Theory]
    [InlineData("ACME  Sverige AB (publ)", "acme sverige")]
    [InlineData("Acme Sverige", "acme sverige")]
    [InlineData("AB Volvo", "volvo")]
    [InlineData("Smith & Sons Ltd.", "smith and sons")]
    [InlineData("Berg Müller GmbH", "berg müller")]
    [InlineData("Nordic A/S", "nordic")]
    [InlineData("AS", "as")]
    public void A_name_is_compared_without_case_spacing_punctuation_or_legal_form(string name, string normalized) =>
        CompanyMatcher.NormalizeName(name).ShouldBe(normalized);

    [Fact]
    public void One_company_matching_by_name_is_proposed()
    {
        var proposal = CompanyMatcher.Propose("Acme AB", null, "ann@gmail.com", [new CrmCompany(1, "ACME"), new CrmCompany(2, "Acme Rockets AB")]);

        proposal.Kind.ShouldBe(CompanyProposalKind.Existing);
        proposal.Proposed!.CompanyId.ShouldBe(1);
    }

    [Fact]
    public void The_one_company_with_the_organisation_number_wins_over_name_twins()
    {
        var proposal = CompanyMatcher.Propose("Acme AB", "556036-0793", null, [new CrmCompany(1, "Acme AB"), new CrmCompany(2, "Acme Ltd", "5560360793")]);

        proposal.Kind.ShouldBe(CompanyProposalKind.Existing);
        proposal.Proposed!.CompanyId.ShouldBe(2);
        proposal.Matches[0].Reasons.ShouldBe(CompanyMatchReason.Name | CompanyMatchReason.OrgNr);
    }

    [Fact]
    public void Several_matches_are_listed_and_none_means_create()
    {
        CompanyMatcher.Propose("Acme", null, null, [new CrmCompany(1, "Acme AB"), new CrmCompany(2, "Acme Oy")]).Kind.ShouldBe(CompanyProposalKind.Several);
        CompanyMatcher.Propose("Acme", null, null, [new CrmCompany(3, "Acme Rockets")]).Kind.ShouldBe(CompanyProposalKind.Create);
    }

    [Fact]
    public void The_e_mail_domain_matches_a_company_web_address_but_a_free_mail_domain_never_does()
    {
        CompanyMatcher.Propose(null, null, "ann@acme.se", [new CrmCompany(1, "Something", Url: "www.acme.se/about")]).Proposed!.CompanyId.ShouldBe(1);
        CompanyMatcher.Propose(null, null, "ann@gmail.com", [new CrmCompany(1, "Gmail fan club", Url: "https://gmail.com")]).Kind.ShouldBe(CompanyProposalKind.Create);
        CompanyMatcher.SearchFor(null, null, "ann@gmail.com").IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void The_search_asks_for_the_longest_word_and_how_the_organisation_number_begins()
    {
        CompanyMatcher.SearchFor("Nordic Logistics AB", "556036-0793", "a@nordlog.se").ShouldBe(new CompanySearch("logistics", "556036", "nordlog.se"));
    }
}
