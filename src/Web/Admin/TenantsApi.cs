using System.Security.Claims;
using Relay.Admin;
using Relay.Crm.Lookups;
using Relay.Tenants;
using Relay.Web.Console;

namespace Relay.Web.Admin;

/// <summary>
/// The console's tenants: <c>GET /api/admin/tenants</c> (the operator sees every tenant, a tenant's admin credential its
/// own), a tenant's connection test (<c>POST …/{tenant}/connection-test</c>) and its status at a glance
/// (<c>GET …/{tenant}/status</c>).
/// </summary>
public static class TenantsApi
{
    /// <summary>Maps the tenant endpoints.</summary>
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/tenants", ListAsync).RequireAuthorization(RelayPolicies.AnyTenantAdmin);
        var admin = app.MapAdminGroup();
        admin.MapPost("/tenants/{tenant}/connection-test", TestConnectionAsync);
        admin.MapGet("/tenants/{tenant}/status", GetStatusAsync);
        return app;
    }

    private static async Task<Ok<ImmutableArray<TenantListing>>> ListAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok(await VisibleTenantsAsync(grains, user));

    /// <summary>
    /// The tenants <paramref name="user"/> may see: every tenant in the directory for the operator; for a credential, its
    /// own tenant, read from the tenant itself (so it is listed even before it registered).
    /// </summary>
    public static async Task<ImmutableArray<TenantListing>> VisibleTenantsAsync(IGrainFactory grains, ClaimsPrincipal user)
    {
        if (ConsoleUser.IsOperator(user))
        {
            return await TenantDirectory.Of(grains).ListAsync();
        }

        return ConsoleUser.OwnTenant(user) is { } own && await AdminApi.ConfigAsync(grains, own) is { } config ? [TenantListing.Of(config)] : [];
    }

    private static Task<Results<Ok<ConnectionTest>, ProblemHttpResult>> TestConnectionAsync(string tenant, IGrainFactory grains, CancellationToken cancellationToken) =>
        AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<ICrmLookupGrain>(tenant).TestConnectionAsync(cancellationToken));

    private static Task<Results<Ok<TenantStatus>, ProblemHttpResult>> GetStatusAsync(string tenant, IGrainFactory grains) =>
        AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<ITenantStatusGrain>(tenant).GetAsync());

    /// <summary>
    /// Records a change of a tenant's settings in its admin log: before and after without secrets, and which secrets
    /// were set or removed (never their values).
    /// </summary>
    public static Task RecordSettingsChangeAsync(IGrainFactory grains, string who, TenantConfig? before, TenantConfig after, TenantSettings sent)
    {
        var secrets = new[]
            {
                (sent.Crm.Password, "password"),
                (sent.Crm.ApplicationToken, "application token"),
                (sent.Crm.Online?.SystemUserToken, "system-user token"),
            }
            .Where(s => s.Item1 is not null)
            .Select(s => s.Item1!.Length == 0 ? $"{s.Item2} removed" : $"{s.Item2} set")
            .ToList();
        return grains.GetGrain<IAdminLogGrain>(after.TenantId).RecordAsync(new AdminChange(
            AdminAreas.Tenant,
            after.TenantId,
            before is null ? "created" : "changed",
            who,
            before is null ? null : System.Text.Json.JsonSerializer.Serialize(TenantResource.From(before), RelayJson.Options),
            System.Text.Json.JsonSerializer.Serialize(TenantResource.From(after), RelayJson.Options),
            secrets.Count == 0 ? null : string.Join(", ", secrets)));
    }
}
