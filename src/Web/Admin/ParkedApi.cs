using System.Security.Claims;
using Relay.Contacts;
using Relay.Web.Console;

namespace Relay.Web.Admin;

/// <summary>
/// A tenant's parked actions (permanent CRM failures), grouped by error type; their replay once the cause is fixed, or
/// their discard: <c>/api/admin/tenants/{tenant}/parked</c>, behind the tenant's <c>admin</c> scope. Every replay and
/// discard is recorded in the tenant's admin log with who made it.
/// </summary>
public static class ParkedApi
{
    /// <summary>The largest page.</summary>
    public const int MaxPage = 500;

    /// <summary>Maps the parked-actions endpoints.</summary>
    public static IEndpointRouteBuilder MapParkedApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapAdminGroup();
        admin.MapGet("/tenants/{tenant}/parked", GetAsync);
        admin.MapPost("/tenants/{tenant}/parked/replay", ReplayAllAsync);
        admin.MapPost("/tenants/{tenant}/parked/discard", DiscardTypeAsync);
        admin.MapPost("/tenants/{tenant}/contacts/{contactId}/parked/{key}/replay", ReplayOneAsync);
        admin.MapDelete("/tenants/{tenant}/contacts/{contactId}/parked/{key}", DiscardOneAsync);
        return app;
    }

    private static Task<Results<Ok<ParkedReport>, ProblemHttpResult>> GetAsync(string tenant, IGrainFactory grains, string? errorType = null, int skip = 0, int take = 50) =>
        AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<IParkedIndexGrain>(tenant).GetAsync(errorType, Paging.Skip(skip), Paging.Take(take, MaxPage)));

    private static Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAllAsync(string tenant, IGrainFactory grains, ClaimsPrincipal user, string? errorType = null) =>
        AdminApi.ForTenantAsync(grains, tenant, async () => new ReplayResult(await Operations(grains, tenant, user).ReplayParkedAsync(errorType)));

    private static async Task<Results<Ok<DiscardResult>, ProblemHttpResult>> DiscardTypeAsync(string tenant, IGrainFactory grains, ClaimsPrincipal user, string? errorType = null)
    {
        if (string.IsNullOrWhiteSpace(errorType))
        {
            return WhichErrorType("parked actions", "DELETE …/contacts/{contactId}/parked/{key}");
        }

        return await AdminApi.ForTenantAsync(grains, tenant, async () => new DiscardResult(await Operations(grains, tenant, user).DiscardParkedAsync(errorType)));
    }

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayOneAsync(string tenant, string contactId, string key, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return await Operations(grains, tenant, user).ReplayParkedAsync(contactId, key) ? TypedResults.Ok(new ReplayResult(1)) : NoSuchParkedAction(contactId, key);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DiscardOneAsync(string tenant, string contactId, string key, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return await Operations(grains, tenant, user).DiscardParkedAsync(contactId, key) ? TypedResults.NoContent() : NoSuchParkedAction(contactId, key);
    }

    /// <summary>The replays and discards of <paramref name="tenant"/>, recorded as made by <paramref name="user"/>.</summary>
    internal static TenantOperations Operations(IGrainFactory grains, string tenant, ClaimsPrincipal user) => new(grains, tenant, ConsoleUser.Who(user));

    /// <summary>
    /// The answer to a discard without an error type: discarding is for good, and everything at once is not offered, so a
    /// forgotten parameter cannot do it.
    /// </summary>
    internal static ProblemHttpResult WhichErrorType(string what, string discardOne) =>
        Problems.Create(StatusCodes.Status400BadRequest, "Which error type?", $"Say which {what} to discard with ?errorType=…, or discard one with {discardOne}. Discarding all at once is not offered.");

    private static ProblemHttpResult NoSuchParkedAction(string contactId, string key) =>
        Problems.Create(StatusCodes.Status404NotFound, "No such parked action", $"Contact '{contactId}' has no parked action '{key}'.");
}

/// <summary>How many parked actions or dead letters were sent on again.</summary>
public sealed record ReplayResult(int Replayed);

/// <summary>How many parked actions or dead letters were discarded.</summary>
public sealed record DiscardResult(int Discarded);
