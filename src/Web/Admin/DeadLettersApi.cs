using Relay.DeadLetters;

namespace Relay.Web.Admin;

/// <summary>
/// A tenant's dead letters (triggers that failed deterministically): list them by error type, replay one or all,
/// discard one: <c>/api/admin/tenants/{tenant}/dead-letters</c>, behind the tenant's <c>admin</c> scope.
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
        admin.MapPost("/tenants/{tenant}/dead-letters/{id}/replay", ReplayOneAsync);
        admin.MapDelete("/tenants/{tenant}/dead-letters/{id}", DiscardAsync);
        return app;
    }

    private static Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> GetAsync(string tenant, IGrainFactory grains, string? errorType = null, int skip = 0, int take = 50) =>
        AdminApi.ForTenantAsync(grains, tenant, () => Letters(grains, tenant).GetAsync(errorType, Paging.Skip(skip), Paging.Take(take, MaxPage)));

    private static Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAllAsync(string tenant, IGrainFactory grains, string? errorType = null) =>
        AdminApi.ForTenantAsync(grains, tenant, async () => new ReplayResult(await Letters(grains, tenant).ReplayAllAsync(errorType)));

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayOneAsync(string tenant, string id, IGrainFactory grains)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return await Letters(grains, tenant).ReplayAsync(id) ? TypedResults.Ok(new ReplayResult(1)) : NoSuchLetter(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DiscardAsync(string tenant, string id, IGrainFactory grains)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return await Letters(grains, tenant).DiscardAsync(id) ? TypedResults.NoContent() : NoSuchLetter(id);
    }

    private static IDeadLetterGrain Letters(IGrainFactory grains, string tenant) => grains.GetGrain<IDeadLetterGrain>(tenant);

    private static ProblemHttpResult NoSuchLetter(string id) =>
        Problems.Create(StatusCodes.Status404NotFound, "No such dead letter", $"There is no dead letter '{id}'.");
}
