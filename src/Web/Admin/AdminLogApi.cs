using Relay.Admin;

namespace Relay.Web.Admin;

/// <summary>
/// A tenant's admin log — who changed what through the console or the admin API, when, before and after:
/// <c>GET /api/admin/tenants/{tenant}/history?area=&amp;subject=&amp;skip=&amp;take=</c>, newest first, behind the tenant's <c>admin</c> scope.
/// </summary>
public static class AdminLogApi
{
    /// <summary>The largest page.</summary>
    public const int MaxPage = 500;

    /// <summary>The areas the log knows, for filters.</summary>
    public static readonly ImmutableArray<string> Areas = [AdminAreas.Automation, AdminAreas.Tenant, AdminAreas.Parked, AdminAreas.DeadLetter, AdminAreas.Contact];

    /// <summary>Maps the history endpoint.</summary>
    public static IEndpointRouteBuilder MapAdminLogApi(this IEndpointRouteBuilder app)
    {
        app.MapAdminGroup().MapGet("/tenants/{tenant}/history", GetAsync);
        return app;
    }

    /// <summary>A page of the log, or null when <paramref name="area"/> is not one of <see cref="Areas"/>; empty filters are no filters.</summary>
    public static async Task<AdminLogPage?> GetPageAsync(IGrainFactory grains, string tenant, string? area, string? subject, int skip, int take)
    {
        area = string.IsNullOrWhiteSpace(area) ? null : area;
        if (area is not null && !Areas.Contains(area))
        {
            return null;
        }

        return await grains.GetGrain<IAdminLogGrain>(tenant).GetAsync(area, string.IsNullOrWhiteSpace(subject) ? null : subject, Paging.Skip(skip), Paging.Take(take, MaxPage));
    }

    private static async Task<Results<Ok<AdminLogPage>, ProblemHttpResult>> GetAsync(string tenant, IGrainFactory grains, string? area = null, string? subject = null, int skip = 0, int take = 50)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return await GetPageAsync(grains, tenant, area, subject, skip, take) is { } page
            ? TypedResults.Ok(page)
            : Problems.Create(StatusCodes.Status400BadRequest, "Unknown area", $"'{area}' is not an area of the admin log; use one of {string.Join(", ", Areas)}, or none for all.");
    }
}
