using Relay.Leads;
using Relay.Triggers;

namespace Relay.Web.Panels;

/// <summary>
/// The lead page's approval form: the mapped fields as sales corrected them, and the company they chose
/// (<c>existing:{id}</c>, <c>new</c>, <c>none</c>, or nothing: let Relay look it up).
/// </summary>
public sealed class ApproveForm
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Mobile { get; set; }
    public string? Title { get; set; }
    public string? CompanyName { get; set; }
    public string? OrgNr { get; set; }
    public string? Country { get; set; }
    public string? Category { get; set; }
    public string? Industry { get; set; }

    /// <summary>The company choice: <c>existing:{id}</c>, <c>new</c>, <c>none</c>; empty means look it up.</summary>
    public string? Company { get; set; }

    /// <summary>
    /// Set by the form's hidden field: the fields were posted and are sales' corrections. Without it (a page loaded before
    /// the form had fields) nothing is corrected: an empty field would otherwise erase what eMarketeer sent.
    /// </summary>
    public bool Corrected { get; set; }

    /// <summary>What is wrong with <see cref="Company"/>; null when it is one of the page's choices.</summary>
    public string? CompanyError => Company?.Trim() switch
    {
        null or "" or "new" or "none" => null,
        { } c when ExistingId(c) is not null => null,
        { } c => $"company: '{c}' is not one of the page's choices",
    };

    private static int? ExistingId(string c) =>
        c.StartsWith("existing:", StringComparison.Ordinal) && int.TryParse(c["existing:".Length..], out var id) && id > 0 ? id : null;

    /// <summary>The form as the contact's fields fill it first.</summary>
    public static ApproveForm From(ContactFields? f) => new()
    {
        FirstName = f?.FirstName, LastName = f?.LastName, Email = f?.Email, Phone = f?.Phone, Mobile = f?.Mobile, Title = f?.Title,
        CompanyName = f?.Company?.Name, OrgNr = f?.Company?.OrgNr, Country = f?.Company?.Country, Category = f?.Company?.Category, Industry = f?.Company?.Industry,
    };

    /// <summary>The choice the contact grain takes; every field of the form is sent (an empty one leaves the field empty).</summary>
    public ApprovalChoice ToChoice()
    {
        var fields = Corrected
            ? new ApprovalFields(FirstName ?? "", LastName ?? "", Email ?? "", Phone ?? "", Mobile ?? "", Title ?? "", CompanyName ?? "", Country ?? "", Category ?? "", Industry ?? "", OrgNr ?? "")
            : null;
        return Company?.Trim() switch
        {
            "new" => new ApprovalChoice(fields, CompanyChoice.CreateNew),
            "none" => new ApprovalChoice(fields, CompanyChoice.None),
            { } c when ExistingId(c) is { } id => new ApprovalChoice(fields, CompanyChoice.Existing, id),
            _ => new ApprovalChoice(fields),
        };
    }
}
