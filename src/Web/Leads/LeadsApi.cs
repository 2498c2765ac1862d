using Relay.Contacts;
using Relay.Crm;
using Relay.Leads;
using Relay.Web.Admin;
using Relay.Tenants;

namespace Relay.Web.Leads;

/// <summary>Who decides about a lead, sent with every decision.</summary>
public record DecisionRequest(SalesUser? By);

/// <summary>A link decision: the SuperOffice person the lead is.</summary>
public sealed record LinkRequest(SalesUser? By, int? PersonId) : DecisionRequest(By);

/// <summary>A bulk approval.</summary>
public sealed record ApproveManyRequest(SalesUser? By, IReadOnlyList<string>? ContactIds) : DecisionRequest(By);

/// <summary>What became of one lead of a bulk approval.</summary>
public sealed record LeadApproval(string ContactId, LeadDecisionStatus Status, string Message, int? PersonId);

/// <summary>
/// <c>GET /api/tenants/{tenant}/leads</c>: the tenant's lead index, most recently active first; and the
/// decisions about a lead for integrations (the <c>decide</c> scope): approve (with corrections and a company choice),
/// the companies an approval would use, link, dismiss, bulk approve.
/// </summary>
public static class LeadsApi
{
    /// <summary>The largest page.</summary>
    public const int MaxPage = 500;

    /// <summary>Maps the leads endpoints: the list (<c>read</c>), and the decisions (<c>decide</c>).</summary>
    public static IEndpointRouteBuilder MapLeadsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenant}/leads", GetLeadsAsync).WithName("GetLeads").RequireAuthorization(RelayPolicies.Read);
        var decisions = app.MapGroup("/api/tenants/{tenant}/leads").RequireAuthorization(RelayPolicies.Decide);
        decisions.MapPost("/{contactId}/approve", ApproveAsync);
        decisions.MapGet("/{contactId}/companies", GetCompaniesAsync);
        decisions.MapPost("/{contactId}/dismiss", (string tenant, string contactId, DecisionRequest request, IGrainFactory grains) =>
            DecideAsync(grains, tenant, contactId, request, (g, by) => g.DismissAsync(by)));
        decisions.MapPost("/{contactId}/link", LinkAsync);
        decisions.MapPost("/approve", ApproveManyAsync);
        return app;
    }

    private static async Task<Results<Ok<LeadDecisionResult>, ProblemHttpResult>> ApproveAsync(string tenant, string contactId, ApproveRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (await CheckAsync(grains, tenant, request) is { } problem)
        {
            return problem;
        }

        var choice = request.Choice;
        var errors = await ApprovalChecks.CheckAsync(grains, tenant, choice, cancellationToken);
        return errors.Count > 0
            ? Problems.Create(StatusCodes.Status400BadRequest, "The approval's choice is not valid", string.Join("; ", errors) + ".", new Dictionary<string, object?> { ["errors"] = errors })
            : await DecideAsync(grains, tenant, contactId, request, (g, by) => g.ApproveAsync(by, choice));
    }

    /// <summary>The companies in SuperOffice that match the lead (its company name, organisation number, e-mail domain) and what Relay proposes.</summary>
    private static async Task<Results<Ok<CompanyProposal>, ProblemHttpResult>> GetCompaniesAsync(string tenant, string contactId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!TenantRules.IsValidTenantId(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        if (await grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).GetViewAsync(0, 0) is not { Fields: { } fields })
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown contact", $"Relay has received nothing from contact '{contactId}'.");
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<Crm.Lookups.ICrmLookupGrain>(tenant).ProposeCompanyAsync(fields.Company?.Name, fields.Company?.OrgNr, fields.Email, null, cancellationToken));
        }
        catch (CrmException ex)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "SuperOffice did not answer", ex.Message);
        }
        catch (TimeoutException ex)
        {
            return Problems.Create(StatusCodes.Status504GatewayTimeout, "SuperOffice did not answer", ex.Message);
        }
    }

    private static async Task<Results<Ok<LeadDecisionResult>, ProblemHttpResult>> LinkAsync(string tenant, string contactId, LinkRequest request, IGrainFactory grains) =>
        request.PersonId is > 0
            ? await DecideAsync(grains, tenant, contactId, request, (g, by) => g.LinkToPersonAsync(request.PersonId.Value, by))
            : Problems.Create(StatusCodes.Status400BadRequest, "Which person?", "Send the SuperOffice person id as personId.");

    private static async Task<Results<Ok<LeadDecisionResult>, ProblemHttpResult>> DecideAsync(IGrainFactory grains, string tenant, string contactId, DecisionRequest request, Func<IContactGrain, SalesUser, Task<LeadDecisionResult>> decide)
    {
        if (await CheckAsync(grains, tenant, request) is { } problem)
        {
            return problem;
        }

        var result = await decide(grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)), request.By!);
        return result.Status switch
        {
            LeadDecisionStatus.Done or LeadDecisionStatus.AlreadyDecided => TypedResults.Ok(result),
            LeadDecisionStatus.NotALead => Problems.Create(StatusCodes.Status409Conflict, "Not a lead", result.Message),
            LeadDecisionStatus.Refused => Problems.Create(StatusCodes.Status422UnprocessableEntity, "Refused", result.Message),
            _ => Problems.Create(StatusCodes.Status503ServiceUnavailable, "SuperOffice did not answer", result.Message),
        };
    }

    private static async Task<Results<Ok<LeadApproval[]>, ProblemHttpResult>> ApproveManyAsync(string tenant, ApproveManyRequest request, IGrainFactory grains)
    {
        if (await CheckAsync(grains, tenant, request) is { } problem)
        {
            return problem;
        }

        if (request.ContactIds is not { Count: > 0 and <= MaxPage } ids)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Which leads?", $"Send 1–{MaxPage} contact ids as contactIds.");
        }

        var results = await Web.Panels.LeadDecisions.ApproveAllAsync(grains, tenant, ids, request.By!);
        return TypedResults.Ok(results.Select(r => new LeadApproval(r.ContactId, r.Result.Status, r.Result.Message, r.Result.PersonId)).ToArray());
    }

    private static async Task<ProblemHttpResult?> CheckAsync(IGrainFactory grains, string tenant, DecisionRequest request)
    {
        if (!TenantRules.IsValidTenantId(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return request.By is { Name.Length: > 0 and <= 200 }
            ? null
            : Problems.Create(StatusCodes.Status400BadRequest, "Who decides?", "Send the deciding user as by: {\"associateId\": 102, \"name\": \"Anna Sales\"}; it is recorded with the decision.");
    }

    private static async Task<Results<Ok<LeadPage>, ProblemHttpResult>> GetLeadsAsync(string tenant, IGrainFactory grains, int skip = 0, int take = 50)
    {
        if (!TenantRules.IsValidTenantId(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return TypedResults.Ok(await LeadIndex.GetPageAsync(grains, tenant, Paging.Skip(skip), Paging.Take(take, MaxPage)));
    }
}
