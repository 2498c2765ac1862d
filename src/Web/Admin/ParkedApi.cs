using Relay.Contacts;

namespace Relay.Web.Admin;

/// <summary>
/// A tenant's parked actions (permanent CRM failures), grouped by error type, and their replay once the cause is
/// fixed: <c>/api/admin/tenants/{tenant}/parked</c>, behind the tenant's <c>admin</c> scope.
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
        admin.MapPost("/tenants/{tenant}/contacts/{contactId}/parked/{key}/replay", ReplayOneAsync);
        return app;
    }

    private static Task<Results<Ok<ParkedReport>, ProblemHttpResult>> GetAsync(string tenant, IGrainFactory grains, string? errorType = null, int skip = 0, int take = 50) =>
        AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<IParkedIndexGrain>(tenant).GetAsync(errorType, Paging.Skip(skip), Paging.Take(take, MaxPage)));

    private static Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAllAsync(string tenant, IGrainFactory grains, string? errorType = null) =>
        AdminApi.ForTenantAsync(grains, tenant, async () => new ReplayResult(await ParkedReplay.ReplayAsync(grains, tenant, errorType)));

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayOneAsync(string tenant, string contactId, string key, IGrainFactory grains)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        var replayed = await grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).ReplayParkedAsync(key, null);
        return replayed > 0
            ? TypedResults.Ok(new ReplayResult(replayed))
            : Problems.Create(StatusCodes.Status404NotFound, "No such parked action", $"Contact '{contactId}' has no parked action '{key}'.");
    }
}

/// <summary>How many parked actions or dead letters were sent on again.</summary>
public sealed record ReplayResult(int Replayed);
