namespace Relay.Crm;

/// <summary>
/// What Relay asks SuperOffice when it looks for a lead's company: any company whose name contains
/// <see cref="NameTerm"/>, whose organisation number begins with <see cref="OrgNr"/>, or whose web address or e-mail has
/// <see cref="Domain"/>. A null criterion is not asked. The answer is a wide net; <see cref="CompanyMatcher"/> decides
/// which of the companies really match.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.company-search")]
public sealed record CompanySearch(
    [property: Id(0)] string? NameTerm,
    [property: Id(1)] string? OrgNr,
    [property: Id(2)] string? Domain)
{
    /// <summary>Whether there is anything to ask.</summary>
    public bool IsEmpty => NameTerm is null && OrgNr is null && Domain is null;
}

/// <summary>A SuperOffice company a search found, with what matching compares.</summary>
[GenerateSerializer, Immutable, Alias("relay.crm-company")]
public sealed record CrmCompany(
    [property: Id(0)] int CompanyId,
    [property: Id(1)] string Name,
    [property: Id(2)] string? OrgNr = null,
    [property: Id(3)] string? Url = null,
    [property: Id(4)] string? Email = null);

/// <summary>Why a company matches a lead.</summary>
[Flags]
public enum CompanyMatchReason
{
    /// <summary>No reason.</summary>
    None = 0,

    /// <summary>The same name once case, spacing, punctuation and legal suffixes (AB, Ltd, GmbH, …) are set aside.</summary>
    Name = 1,

    /// <summary>The same organisation number.</summary>
    OrgNr = 2,

    /// <summary>The company's web address or e-mail is at the lead's e-mail domain.</summary>
    Domain = 4,
}

/// <summary>A company that matches a lead, and why.</summary>
[GenerateSerializer, Immutable, Alias("relay.company-match")]
public sealed record CompanyMatch(
    [property: Id(0)] CrmCompany Company,
    [property: Id(1)] CompanyMatchReason Reasons);

/// <summary>What the look-up for a lead's company came to.</summary>
public enum CompanyProposalKind
{
    /// <summary>Nothing to look for (no company name, organisation number or company e-mail domain), or nothing found: create.</summary>
    Create = 0,

    /// <summary>One clear match: link the person to it.</summary>
    Existing = 1,

    /// <summary>Several companies match: sales choose.</summary>
    Several = 2,
}

/// <summary>The companies that match a lead, and what Relay proposes.</summary>
[GenerateSerializer, Immutable, Alias("relay.company-proposal")]
public sealed record CompanyProposal(
    [property: Id(0)] CompanyProposalKind Kind,
    [property: Id(1)] ImmutableArray<CompanyMatch> Matches)
{
    /// <summary>The proposed company when there is one clear match.</summary>
    public CrmCompany? Proposed => Kind == CompanyProposalKind.Existing ? Matches[0].Company : null;
}
