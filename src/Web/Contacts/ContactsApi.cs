using System.Security.Claims;
using Relay.Admin;
using Relay.Contacts;
using Relay.Tenants;
using Relay.Web.Console;

namespace Relay.Web.Contacts;

/// <summary>
/// <c>GET /api/tenants/{tenant}/contacts/{contactId}</c>: a contact's link state, timeline, outbox and outcomes (the
/// <c>read</c> scope); <c>DELETE</c> on the same address forgets it (GDPR erasure; the <c>admin</c> scope).
/// </summary>
public static class ContactsApi
{
    /// <summary>The largest timeline page.</summary>
    public const int MaxPage = 500;

    /// <summary>Maps the contact endpoints.</summary>
    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenant}/contacts/{contactId}", GetContactAsync).WithName("GetContact").RequireAuthorization(RelayPolicies.Read);

        // Erasure cannot be undone and reaches every store of the tenant, so it takes the tenant's admin scope, not read or decide.
        app.MapDelete("/api/tenants/{tenant}/contacts/{contactId}", EraseContactAsync).WithName("EraseContact").RequireAuthorization(RelayPolicies.Admin);
        return app;
    }

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> GetContactAsync(string tenant, string contactId, IGrainFactory grains, int skip = 0, int take = 50)
    {
        if (await RefuseAsync(grains, tenant, contactId) is { } problem)
        {
            return problem;
        }

        var view = await grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).GetViewAsync(Paging.Skip(skip), Paging.Take(take, MaxPage));
        return view is null
            ? Problems.Create(StatusCodes.Status404NotFound, "Unknown contact", $"Relay has received no trigger for contact '{contactId}' of tenant '{tenant}'.")
            : TypedResults.Ok(view);
    }

    /// <summary>
    /// Forgets the contact and answers when it was erased, whether Relay knew it, and whether every store is clean yet
    /// (what failed is retried in the background). A contact Relay never heard of is erased too — a tombstone keeps
    /// triggers of it that occurred before from creating it — so the answer never says whether Relay knew it by its status.
    /// </summary>
    private static async Task<Results<Ok<ErasureReceipt>, ProblemHttpResult>> EraseContactAsync(string tenant, string contactId, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await RefuseAsync(grains, tenant, contactId) is { } problem)
        {
            return problem;
        }

        var who = ConsoleUser.Who(user);
        var receipt = await grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).EraseAsync(who);
        await grains.GetGrain<IAdminLogGrain>(tenant).RecordAsync(new AdminChange(AdminAreas.Contact, contactId, "erase", who, Detail: $"Erased contact {contactId}"));
        return TypedResults.Ok(receipt);
    }

    private static async Task<ProblemHttpResult?> RefuseAsync(IGrainFactory grains, string tenant, string contactId)
    {
        if (!TenantRules.IsValidTenantId(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return string.IsNullOrWhiteSpace(contactId) || contactId.Length > Triggers.TriggerParser.MaxIdLength
            ? Problems.Create(StatusCodes.Status400BadRequest, "Invalid contact id", $"A contact id has 1–{Triggers.TriggerParser.MaxIdLength} characters, not only white space.")
            : null;
    }
}
