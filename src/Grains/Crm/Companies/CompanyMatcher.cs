using System.Text;

namespace Relay.Crm;

/// <summary>
/// Decides which companies SuperOffice returned really are the lead's company: the same name once case, spacing,
/// punctuation and legal suffixes are set aside; the same organisation number; or a web address or e-mail at the lead's
/// e-mail domain (never a free-mail domain). One company matched by organisation number, or one company matched at all,
/// is a clear match; several are listed, strongest first.
/// </summary>
public static class CompanyMatcher
{
    /// <summary>Words that say what legal form a company has, not who it is; set aside at either end of a name.</summary>
    private static readonly HashSet<string> LegalForms = new(StringComparer.Ordinal)
    {
        "ab", "aktiebolag", "publ", "hb", "kb", "as", "asa", "a/s", "aps", "oy", "oyj", "ehf", "hf",
        "ltd", "limited", "plc", "llc", "llp", "inc", "incorporated", "corp", "corporation", "co", "company",
        "gmbh", "ag", "kg", "mbh", "bv", "nv", "sa", "sas", "sarl", "srl", "spa", "sl", "sp", "zoo", "group",
    };

    /// <summary>Mail domains many unrelated people share: a lead at one says nothing about its company.</summary>
    private static readonly HashSet<string> SharedMailDomains = new(StringComparer.OrdinalIgnoreCase)
    {
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.se", "outlook.com", "live.com", "live.se", "msn.com",
        "yahoo.com", "yahoo.se", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.com", "gmx.de", "web.de", "mail.com", "telia.com", "online.no", "example.com",
    };

    /// <summary>
    /// A company name reduced to who the company is: lower case, punctuation set aside (<c>&amp;</c> read as "and"), spacing collapsed, and legal forms (AB, AS, Ltd, Inc, GmbH, …) dropped from either end.
    /// "ACME  Sverige AB (publ)" and "Acme Sverige" both become "acme sverige".
    /// </summary>
    public static string NormalizeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var ch in name.Replace("&", " and ", StringComparison.Ordinal).ToLowerInvariant())
        {
            text.Append(char.IsLetterOrDigit(ch) || ch == '/' ? ch : ' ');
        }

        var words = text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        while (words.Count > 1 && LegalForms.Contains(words[^1]))
        {
            words.RemoveAt(words.Count - 1);
        }

        while (words.Count > 1 && LegalForms.Contains(words[0]))
        {
            words.RemoveAt(0);
        }

        return string.Join(' ', words).Replace("/", string.Empty, StringComparison.Ordinal);
    }

    /// <summary>An organisation number as digits and letters only ("556036-0793" → "5560360793"), or null.</summary>
    public static string? NormalizeOrgNr(string? orgNr)
    {
        var compact = new string((orgNr ?? string.Empty).Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return compact.Length >= 4 ? compact : null;
    }

    /// <summary>The domain of an e-mail address, lower case; null for a free-mail domain or no address.</summary>
    public static string? CompanyDomain(string? email)
    {
        var at = email?.LastIndexOf('@') ?? -1;
        if (at < 1 || at == email!.Length - 1)
        {
            return null;
        }

        var domain = email[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();
        return domain.Contains('.', StringComparison.Ordinal) && !SharedMailDomains.Contains(domain) ? domain : null;
    }

    /// <summary>
    /// What to ask SuperOffice for a lead's company: the longest word of its normalised name (a "contains" search finds
    /// the name however SuperOffice spells the rest), how its organisation number begins, its e-mail domain.
    /// </summary>
    public static CompanySearch SearchFor(string? companyName, string? orgNr, string? email)
    {
        var term = NormalizeName(companyName).Split(' ', StringSplitOptions.RemoveEmptyEntries).OrderByDescending(w => w.Length).FirstOrDefault();
        return new CompanySearch(term is { Length: >= 2 } ? term : null, OrgNrPrefix(orgNr), CompanyDomain(email));
    }

    /// <summary>
    /// What an organisation number begins with however it is spaced ("556036-0793", "5560360793" → "556036"): its leading
    /// letters and digits, at most six; the whole number when those are fewer than four ("998 877 665").
    /// </summary>
    private static string? OrgNrPrefix(string? orgNr)
    {
        var given = orgNr?.Trim();
        if (string.IsNullOrEmpty(given))
        {
            return null;
        }

        var run = new string(given.TakeWhile(char.IsLetterOrDigit).Take(6).ToArray());
        return run.Length >= 4 ? run : given;
    }

    /// <summary>How many companies each look-up criterion may return.</summary>
    public const int SearchSize = 50;

    /// <summary>Looks the company up in SuperOffice (<see cref="ICrm.FindCompaniesAsync"/>) and says what Relay proposes.</summary>
    public static async Task<CompanyProposal> LookUpAsync(ICrm crm, CrmConnection connection, string? companyName, string? orgNr, string? email, CancellationToken cancellationToken = default)
    {
        var search = SearchFor(companyName, orgNr, email);
        var found = search.IsEmpty ? [] : await crm.FindCompaniesAsync(connection, search, SearchSize, cancellationToken).ConfigureAwait(false);
        return Propose(companyName, orgNr, email, found);
    }

    /// <summary>Which of the companies found match the lead, and what Relay proposes.</summary>
    public static CompanyProposal Propose(string? companyName, string? orgNr, string? email, IEnumerable<CrmCompany> found)
    {
        var name = NormalizeName(companyName);
        var number = NormalizeOrgNr(orgNr);
        var domain = CompanyDomain(email);
        var matches = found
            .DistinctBy(c => c.CompanyId)
            .Select(c => new CompanyMatch(c, ReasonsFor(c, name, number, domain)))
            .Where(m => m.Reasons != CompanyMatchReason.None)
            .OrderByDescending(m => Strength(m.Reasons))
            .ThenBy(m => m.Company.CompanyId)
            .ToImmutableArray();
        var byOrgNr = matches.Where(m => m.Reasons.HasFlag(CompanyMatchReason.OrgNr)).ToList();
        return matches.Length switch
        {
            0 => new CompanyProposal(CompanyProposalKind.Create, []),
            1 => new CompanyProposal(CompanyProposalKind.Existing, matches),
            _ when byOrgNr.Count == 1 => new CompanyProposal(CompanyProposalKind.Existing, matches),
            _ => new CompanyProposal(CompanyProposalKind.Several, matches),
        };
    }

    private static CompanyMatchReason ReasonsFor(CrmCompany company, string name, string? orgNr, string? domain)
    {
        var reasons = CompanyMatchReason.None;
        if (name.Length > 0 && NormalizeName(company.Name) == name)
        {
            reasons |= CompanyMatchReason.Name;
        }

        if (orgNr is not null && NormalizeOrgNr(company.OrgNr) == orgNr)
        {
            reasons |= CompanyMatchReason.OrgNr;
        }

        if (domain is not null && (HostOf(company.Url) is { } host && (host == domain || host.EndsWith("." + domain, StringComparison.Ordinal))
            || CompanyDomain(company.Email) == domain))
        {
            reasons |= CompanyMatchReason.Domain;
        }

        return reasons;
    }

    private static int Strength(CompanyMatchReason reasons) =>
        (reasons.HasFlag(CompanyMatchReason.OrgNr) ? 4 : 0) + (reasons.HasFlag(CompanyMatchReason.Name) ? 2 : 0) + (reasons.HasFlag(CompanyMatchReason.Domain) ? 1 : 0);

    /// <summary>The host of a web address as people write it ("www.acme.se/about", "https://acme.se"), without "www.".</summary>
    private static string? HostOf(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        var text = url.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var host = uri.Host.ToLowerInvariant();
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }
}
