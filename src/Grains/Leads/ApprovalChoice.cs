using System.Text.RegularExpressions;
using Relay.Triggers;

namespace Relay.Leads;

/// <summary>What sales chose when approving: corrections of the mapped fields, and which company the person gets.</summary>
[GenerateSerializer, Immutable, Alias("relay.approval-choice")]
public sealed record ApprovalChoice(
    [property: Id(0)] ApprovalFields? Fields = null,
    [property: Id(1)] CompanyChoice Company = CompanyChoice.Lookup,
    [property: Id(2)] int? CompanyId = null)
{
    /// <summary>No corrections; the company as the look-up finds it (today's bulk approval).</summary>
    public static ApprovalChoice Default { get; } = new();
}

/// <summary>Which company an approved person gets.</summary>
public enum CompanyChoice
{
    /// <summary>
    /// Relay decides: when the tenant creates companies on approval, it looks the company up first; one clear match is
    /// used, none means a new one, several refuse the approval until sales choose.
    /// </summary>
    Lookup = 0,

    /// <summary>The existing company <see cref="ApprovalChoice.CompanyId"/>.</summary>
    Existing = 1,

    /// <summary>A new company with the (corrected) company fields, even if a similar one exists.</summary>
    CreateNew = 2,

    /// <summary>No company.</summary>
    None = 3,
}

/// <summary>
/// Corrections of the mapped fields before a lead is created in SuperOffice. A null field keeps what eMarketeer sent; an
/// empty one leaves the field empty. Country, category and industry are names from SuperOffice's own lists.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.approval-fields")]
public sealed partial record ApprovalFields(
    [property: Id(0)] string? FirstName = null,
    [property: Id(1)] string? LastName = null,
    [property: Id(2)] string? Email = null,
    [property: Id(3)] string? Phone = null,
    [property: Id(4)] string? Mobile = null,
    [property: Id(5)] string? Title = null,
    [property: Id(6)] string? CompanyName = null,
    [property: Id(7)] string? Country = null,
    [property: Id(8)] string? Category = null,
    [property: Id(9)] string? Industry = null,
    [property: Id(10)] string? OrgNr = null)
{
    /// <summary>The longest text a corrected field may have (an e-mail: 254).</summary>
    public const int MaxLength = 200;

    /// <summary>The contact's fields with these corrections applied.</summary>
    public ContactFields ApplyTo(ContactFields fields)
    {
        static string? Pick(string? correction, string? original) => correction is null ? original : correction.Trim() is { Length: > 0 } v ? v : null;
        var company = fields.Company ?? new CompanyFields(null);
        company = company with
        {
            Name = Pick(CompanyName, company.Name),
            Country = Pick(Country, company.Country),
            Category = Pick(Category, company.Category),
            Industry = Pick(Industry, company.Industry),
            OrgNr = Pick(OrgNr, company.OrgNr),
        };
        return fields with
        {
            FirstName = Pick(FirstName, fields.FirstName),
            LastName = Pick(LastName, fields.LastName),
            Email = Pick(Email, fields.Email),
            Phone = Pick(Phone, fields.Phone),
            Mobile = Pick(Mobile, fields.Mobile),
            Title = Pick(Title, fields.Title),
            Company = company == new CompanyFields(null) ? null : company,
        };
    }

    /// <summary>Every problem with the corrections (field: problem); none means they may be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (name, value) in new[]
        {
            ("firstName", FirstName), ("lastName", LastName), ("phone", Phone), ("mobile", Mobile), ("title", Title),
            ("companyName", CompanyName), ("country", Country), ("category", Category), ("industry", Industry), ("orgNr", OrgNr),
        })
        {
            if (value is { Length: > MaxLength })
            {
                errors.Add($"{name}: longer than {MaxLength} characters");
            }
        }

        if (Email is { Length: > 0 } email && (email.Length > 254 || !EmailShape().IsMatch(email.Trim())))
        {
            errors.Add($"email: '{(email.Length > 60 ? email[..60] + "…" : email)}' is not an e-mail address");
        }

        return errors;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();
}
