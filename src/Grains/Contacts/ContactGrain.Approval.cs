using Relay.Crm;
using Relay.Leads;
using Relay.Tenants;

namespace Relay.Contacts;

/// <summary>
/// Approving a lead: the corrected fields and the company. The company is looked up in SuperOffice before one is
/// created (<see cref="CompanyMatcher"/>), so a company that exists is linked, not made twice.
/// </summary>
public sealed partial class ContactGrain
{
    /// <summary>
    /// Starts (or restarts, while nothing was sent) the approval with sales' choice: the corrected fields and the company.
    /// A corrected e-mail that a SuperOffice person has already is refused: that lead is linked, not created again.
    /// </summary>
    private async Task<LeadDecisionResult?> StartApprovalAsync(CrmConnection connection, SalesUser by, ApprovalChoice choice)
    {
        if (choice.Fields?.Validate() is { Count: > 0 } errors)
        {
            return new LeadDecisionResult(LeadDecisionStatus.Refused, "The corrections are not valid: " + string.Join("; ", errors) + ".");
        }

        if (choice.Company == CompanyChoice.Existing && choice.CompanyId is not > 0)
        {
            return new LeadDecisionResult(LeadDecisionStatus.Refused, "Which company? Send the SuperOffice company id with the choice.");
        }

        var fields = choice.Fields?.ApplyTo(S.Fields!) ?? S.Fields!;
        ImmutableArray<int> before = [.. S.Lead!.Candidates.Select(c => c.PersonId)];
        if (fields.Email is { Length: > 0 } email && !string.Equals(email, S.Fields!.Email, StringComparison.OrdinalIgnoreCase))
        {
            var existing = await crm.FindPersonsByEmailAsync(connection, email);
            if (existing.Count > 0)
            {
                return new LeadDecisionResult(
                    LeadDecisionStatus.Refused,
                    $"{email} is already person {existing[0].PersonId} ({existing[0].PersonName}) in SuperOffice: link the lead to that person instead.");
            }

            before = [];
        }

        S.Approval = new ApprovalInProgress(by, time.GetUtcNow(), before, Fields: fields, Company: choice.Company, ChosenCompanyId: choice.CompanyId);
        return null;
    }

    /// <summary>
    /// Settles the approval's company (<see cref="ApprovalInProgress.CompanyId"/>), creating one only when sales chose a
    /// new one, or when the look-up found none. Several matches refuse the approval until sales choose.
    /// </summary>
    private async Task<LeadDecisionResult?> ChooseCompanyAsync(TenantConfig config, Triggers.ContactFields fields)
    {
        var approval = S.Approval!;
        if (approval.CompanyId is not null)
        {
            return null;
        }

        var company = fields.Company;
        switch (approval.Company)
        {
            case CompanyChoice.None:
                return null;
            case CompanyChoice.Existing:
                S.Approval = approval with { CompanyId = approval.ChosenCompanyId };
                return null;
            case CompanyChoice.CreateNew when company?.Name is not { Length: > 0 }:
                return new LeadDecisionResult(LeadDecisionStatus.Refused, "A new company needs a name.");
            case CompanyChoice.CreateNew:
                await CreateCompanyOnceAsync(config.Connection, company);
                return null;
            case CompanyChoice.Lookup when !config.Settings.CreateCompanyOnApprove:
                return null;
        }

        var proposal = await CompanyMatcher.LookUpAsync(crm, config.Connection, company?.Name, company?.OrgNr, fields.Email);
        if (approval.CompanyCreateSent)
        {
            // The create went out but its answer never came. Nothing matched before it, so a clear match now is the company
            // it made; otherwise the person is created without a company and the decision says so.
            S.Approval = approval with { CompanyId = proposal.Proposed?.CompanyId };
            return null;
        }

        switch (proposal.Kind)
        {
            case CompanyProposalKind.Existing:
                S.Approval = approval with { CompanyId = proposal.Proposed!.CompanyId };
                return null;
            case CompanyProposalKind.Several:
                return new LeadDecisionResult(
                    LeadDecisionStatus.Refused,
                    $"{proposal.Matches.Length} companies in SuperOffice match “{company?.Name ?? fields.Email}” ({string.Join(", ", proposal.Matches.Take(5).Select(m => $"{m.Company.Name}, company {m.Company.CompanyId}"))}): choose one on the lead's page, or choose to create a new one.");
            default:
                if (company?.Name is { Length: > 0 })
                {
                    await CreateCompanyOnceAsync(config.Connection, company);
                }

                return null;
        }
    }

    /// <summary>Creates the company, marking the create as sent first: a create that timed out is never sent again.</summary>
    private async Task CreateCompanyOnceAsync(CrmConnection connection, Triggers.CompanyFields company)
    {
        if (S.Approval!.CompanyCreateSent)
        {
            return;
        }

        S.Approval = S.Approval with { CompanyCreateSent = true };
        await state.WriteStateAsync(CancellationToken.None);
        int companyId;
        try
        {
            companyId = await crm.CreateCompanyAsync(connection, new NewCompany(company.Name!, company.Country, company.Category, company.Industry, company.OrgNr));
        }
        catch (CrmException ex) when (ex.Kind == CrmErrorKind.Permanent)
        {
            // Refused, so not made: nothing is in doubt, and sales may correct what they chose and approve again (as when
            // the person is refused). Kept "sent", the next approval would skip the company and ignore the corrections.
            S.Approval = null;
            throw;
        }

        S.Approval = S.Approval with { CompanyId = companyId };
        await state.WriteStateAsync(CancellationToken.None);
    }
}
