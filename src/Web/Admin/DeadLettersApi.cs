using System.Security.Claims;
using Relay.DeadLetters;

namespace Relay.Web.Admin;

/// <summary>
/// A tenant's dead letters (triggers that failed deterministically): list them by error type, replay one or all,
/// discard one or all of an error type: <c>/api/admin/tenants/{tenant}/dead-letters</c>, behind the tenant's <c>admin</c> scope. Every replay
/// and discard is recorded in the tenant's admin log with who made it.
/// </summary>
public static class DeadLettersApi
{
    /// <summary>The largest page.</summary>
    public const int MaxPage = 500;

    /// <summary>Maps the dead-letter endpoints.</summary>
    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapAdminGroup();
        admin.MapGet("/tenants/{tenant}/dead-letters", GetAsync);
        admin.MapPost("/tenants/{tenant}/dead-letters/replay", ReplayAllAsync);
        admin.MapPost("/tenants/{tenant}/dead-letters/discard", DiscardTypeAsync);
        admin.MapPost("/tenants/{tenant}/dead-letters/{id}/replay", ReplayOneAsync);
        admin.MapDelete("/tenants/{tenant}/dead-letters/{id}", DiscardAsync);
        return app;
    }

    private static Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> GetAsync(string tenant, IGrainFactory grains, string? errorType = null, int skip = 0, int take = 50) =>
        AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<IDeadLetterGrain>(tenant).GetAsync(errorType, Paging.Skip(skip), Paging.Take(take, MaxPage)));

    private static Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAllAsync(string tenant, IGrainFactory grains, ClaimsPrincipal user, string? errorType = null) =>
        AdminApi.ForTenantAsync(grains, tenant, async () => new ReplayResult(await ParkedApi.Operations(grains, tenant, user).ReplayDeadLettersAsync(errorType)));

    private static async Task<Results<Ok<DiscardResult>, ProblemHttpResult>> DiscardTypeAsync(string tenant, IGrainFactory grains, ClaimsPrincipal user, string? errorType = null)
    {
        if (string.IsNullOrWhiteSpace(errorType))
        {
            return ParkedApi.WhichErrorType("dead letters", "DELETE …/dead-letters/{id}");
        }

        return await AdminApi.ForTenantAsync(grains, tenant, async () => new DiscardResult(await ParkedApi.Operations(grains, tenant, user).DiscardDeadLettersAsync(errorType)));
    }

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayOneAsync(string tenant, string id, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return await ParkedApi.Operations(grains, tenant, user).ReplayDeadLetterAsync(id) ? TypedResults.Ok(new ReplayResult(1)) : NoSuchLetter(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DiscardAsync(string tenant, string id, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return await ParkedApi.Operations(grains, tenant, user).DiscardDeadLetterAsync(id) ? TypedResults.NoContent() : NoSuchLetter(id);
    }

    private static ProblemHttpResult NoSuchLetter(string id) =>
        Problems.Create(StatusCodes.Status404NotFound, "No such dead letter", $"There is no dead letter '{id}'.");
}
