using Relay.Leads;
using Relay.Tenants;

namespace Relay.Web.Leads;

/// <summary><c>GET /api/tenants/{tenant}/leads</c>: the tenant's lead index, most recently active first.</summary>
public static class LeadsApi
{
    /// <summary>The largest page.</summary>
    public const int MaxPage = 500;

    /// <summary>Maps the leads endpoint.</summary>
    public static IEndpointRouteBuilder MapLeadsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenant}/leads", GetLeadsAsync).WithName("GetLeads");
        return app;
    }

    private static async Task<IResult> GetLeadsAsync(string tenant, IGrainFactory grains, int skip = 0, int take = 50)
    {
        if (!TenantRules.IsValidTenantId(tenant) || await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        return TypedResults.Ok(await grains.GetGrain<ILeadIndexGrain>(tenant).GetPageAsync(Math.Max(0, skip), Math.Clamp(take, 0, MaxPage)));
    }
}
