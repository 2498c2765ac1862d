using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Leads;
using Relay.Web.Admin;

namespace Relay.Web.Leads;

/// <summary>
/// An approval with sales' choice: corrected fields (omit one to keep what eMarketeer sent, send "" to leave it empty)
/// and the company: <c>lookup</c> (default: Relay looks it up, one clear match is used, none is created, several are
/// refused until someone chooses), <c>existing</c> with <c>companyId</c>, <c>createNew</c>, or <c>none</c>.
/// </summary>
public sealed record ApproveRequest(SalesUser? By, ApprovalFields? Fields = null, CompanyChoice? Company = null, int? CompanyId = null) : DecisionRequest(By)
{
    /// <summary>The choice the contact grain takes.</summary>
    public ApprovalChoice Choice => new(Fields, Company ?? CompanyChoice.Lookup, CompanyId);
}

/// <summary>Checks an approval's choice before it reaches the contact, with SuperOffice's own lists where they can be read.</summary>
public static class ApprovalChecks
{
    /// <summary>
    /// Every problem with the choice: field shapes, an existing company without an id, and a country, category or industry
    /// that is not on SuperOffice's list (checked only when the list can be read; the adapter leaves an unknown one unset).
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(IGrainFactory grains, string tenant, ApprovalChoice choice, CancellationToken cancellationToken)
    {
        var errors = new List<string>(choice.Fields?.Validate() ?? []);
        if (!Enum.IsDefined(choice.Company))
        {
            errors.Add("company: must be lookup, existing, createNew or none");
        }
        else if (choice.Company == CompanyChoice.Existing && choice.CompanyId is not > 0)
        {
            errors.Add("companyId: required (a SuperOffice company id) when company is existing");
        }
        else if (choice.Company != CompanyChoice.Existing && choice.CompanyId is not null)
        {
            errors.Add("companyId: only with company existing (send \"company\": \"existing\" to add the person to that company)");
        }

        if (choice.Fields is not { } fields)
        {
            return errors;
        }

        foreach (var (list, name, value) in new[] { (CrmList.Countries, "country", fields.Country), (CrmList.Categories, "category", fields.Category), (CrmList.Businesses, "industry", fields.Industry) })
        {
            if (value is not { Length: > 0 } given || await ListAsync(grains, tenant, list, cancellationToken) is not { } items)
            {
                continue;
            }

            if (!items.Any(i => string.Equals(i.Name, given.Trim(), StringComparison.OrdinalIgnoreCase) || string.Equals(i.Kind, given.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{name}: '{given}' is not on SuperOffice's list ({string.Join(", ", items.Take(10).Select(i => i.Name))}{(items.Count > 10 ? ", …" : "")})");
            }
        }

        return errors;
    }

    /// <summary>One of SuperOffice's lists, or null when it cannot be read now (the check then leaves that field alone).</summary>
    public static async Task<IReadOnlyList<CrmListItem>?> ListAsync(IGrainFactory grains, string tenant, CrmList list, CancellationToken cancellationToken)
    {
        try
        {
            return (await CrmListsApi.LoadAsync(grains, tenant, [list], fresh: false, cancellationToken))[list];
        }
        catch (Exception ex) when (ex is CrmException or TimeoutException)
        {
            return null;
        }
    }
}
