using Relay.Access;
using Relay.Web.Admin;

namespace Relay.Web.Operator;

/// <summary>What an operator sends to issue a credential: who uses it and what it may do.</summary>
public sealed record CredentialRequest(string? Name, string[]? Scopes);

/// <summary>A credential as listed: never the token or its hash.</summary>
public sealed record CredentialView(string Id, string Name, string[] Scopes, string Hint, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RotatedFrom)
{
    /// <summary>The view of a stored credential.</summary>
    public static CredentialView From(CredentialInfo c) =>
        new(c.Id, c.Name, AccessScopeNames.Names(c.Scopes), c.Hint, c.CreatedAt, c.LastUsedAt, c.RevokedAt, c.RotatedFrom);
}

/// <summary>A credential just issued: the only answer that carries its token.</summary>
public sealed record IssuedCredential(string Id, string Name, string[] Scopes, string Token, DateTimeOffset CreatedAt, string? RotatedFrom);

/// <summary>A signing secret just issued: the only answer that carries it.</summary>
public sealed record IssuedSigningSecret(string Id, string Secret, DateTimeOffset CreatedAt);

/// <summary>
/// <c>/api/operator/tenants/{tenant}/…</c>, the operator key's own API: issue, list, rotate and revoke a tenant's
/// credentials and signing secrets. A token or secret is shown once, in the answer that issues it.
/// </summary>
public static class OperatorApi
{
    /// <summary>Maps the operator endpoints behind the operator key.</summary>
    public static IEndpointRouteBuilder MapOperatorApi(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/api/operator/tenants/{tenant}").RequireAuthorization(RelayPolicies.Operator).AddEndpointFilter(ExistingTenantAsync);
        tenant.MapPost("/credentials", IssueAsync);
        tenant.MapGet("/credentials", async (string tenant, IGrainFactory grains) =>
            TypedResults.Ok((await Access(grains, tenant).ListCredentialsAsync()).Select(CredentialView.From).ToArray()));
        tenant.MapPost("/credentials/{id}/rotate", RotateAsync);
        tenant.MapDelete("/credentials/{id}", (string tenant, string id, IGrainFactory grains) =>
            RevokeAsync(grains, tenant, id, a => a.RevokeCredentialAsync(id)));
        tenant.MapPost("/signing-secrets", IssueSigningSecretAsync);
        tenant.MapGet("/signing-secrets", async (string tenant, IGrainFactory grains) =>
            TypedResults.Ok(await Access(grains, tenant).ListSigningSecretsAsync()));
        tenant.MapDelete("/signing-secrets/{id}", (string tenant, string id, IGrainFactory grains) =>
            RevokeAsync(grains, tenant, id, a => a.RevokeSigningSecretAsync(id)));
        return app;
    }

    /// <summary>Every operator endpoint is about an existing tenant: 404 for any other.</summary>
    private static async ValueTask<object?> ExistingTenantAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var tenant = context.HttpContext.GetRouteValue("tenant") as string ?? "";
        return await AdminApi.ConfigAsync(context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>(), tenant) is null
            ? Problems.UnknownTenant(tenant)
            : await next(context);
    }

    private static async Task<Results<Created<IssuedCredential>, ProblemHttpResult>> IssueAsync(string tenant, CredentialRequest request, IGrainFactory grains)
    {
        var scopes = AccessScopeNames.Parse(request.Scopes, out var unknown);
        if (unknown.Count > 0)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Unknown scope", $"Not scopes: {string.Join(", ", unknown)}. Use ingest, read, decide or admin.");
        }

        var token = AccessTokens.NewCredential(tenant);
        return Issued(await Access(grains, tenant).AddCredentialAsync(request.Name?.Trim() ?? "", scopes, token), tenant, token);
    }

    private static async Task<Results<Created<IssuedCredential>, ProblemHttpResult>> RotateAsync(string tenant, string id, IGrainFactory grains)
    {
        var token = AccessTokens.NewCredential(tenant);
        return Issued(await Access(grains, tenant).RotateCredentialAsync(id, token), tenant, token);
    }

    private static async Task<Results<Created<IssuedSigningSecret>, ProblemHttpResult>> IssueSigningSecretAsync(string tenant, IGrainFactory grains)
    {
        var secret = AccessTokens.NewSigningSecret();
        var change = await Access(grains, tenant).AddSigningSecretAsync(secret);
        return change.Value is { } info
            ? TypedResults.Created($"/api/operator/tenants/{tenant}/signing-secrets/{info.Id}", new IssuedSigningSecret(info.Id, secret, info.CreatedAt))
            : Refused(change.Error!, change.Conflict);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(IGrainFactory grains, string tenant, string id, Func<ITenantAccessGrain, Task<bool>> revoke)
    {
        return await revoke(Access(grains, tenant))
            ? TypedResults.NoContent()
            : Problems.Create(StatusCodes.Status404NotFound, "Unknown id", $"Tenant '{tenant}' has nothing with id '{id}'.");
    }

    private static Results<Created<IssuedCredential>, ProblemHttpResult> Issued(AccessChange<CredentialInfo> change, string tenant, string token) =>
        change.Value is { } c
            ? TypedResults.Created($"/api/operator/tenants/{tenant}/credentials/{c.Id}", new IssuedCredential(c.Id, c.Name, AccessScopeNames.Names(c.Scopes), token, c.CreatedAt, c.RotatedFrom))
            : Refused(change.Error!, change.Conflict);

    private static ProblemHttpResult Refused(string error, bool conflict) =>
        Problems.Create(conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, "Refused", error);

    private static ITenantAccessGrain Access(IGrainFactory grains, string tenant) => grains.GetGrain<ITenantAccessGrain>(tenant);
}
