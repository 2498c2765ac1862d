using System.Text.Json;
using Relay.Crm;
using Relay.Crm.Lookups;
using Relay.Crm.Online;
using Relay.Tenants;

namespace Relay.Web.Admin;

/// <summary>
/// Tenant settings and automations: <c>PUT</c>/<c>GET /api/admin/tenants/{tenant}</c> and <c>…/automations</c>; an Online
/// tenant's state: <c>GET …/online</c>.
/// </summary>
public static class AdminApi
{
    /// <summary>The <c>/api/admin</c> route group behind the tenant's <c>admin</c> scope; every admin area maps its endpoints on one.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/admin").RequireAuthorization(RelayPolicies.Admin);

    /// <summary>Maps the admin endpoints behind the <c>admin</c> scope; creating a tenant is the operator's.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapAdminGroup();
        admin.MapGet("/tenants/{tenant}", GetTenantAsync);
        admin.MapPut("/tenants/{tenant}", PutTenantAsync);
        admin.MapGet("/tenants/{tenant}/automations", GetAutomationsAsync);
        admin.MapPut("/tenants/{tenant}/automations", PutAutomationsAsync);
        admin.MapGet("/tenants/{tenant}/online", GetOnlineStateAsync);
        return app;
    }

    /// <summary>An Online tenant's state, asked of SuperOffice now: whether its CRM work is paused and where it runs.</summary>
    private static async Task<Results<Ok<OnlineTenantState>, ProblemHttpResult>> GetOnlineStateAsync(string tenant, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (await ConfigAsync(grains, tenant) is not { } config)
        {
            return Problems.UnknownTenant(tenant);
        }

        if (config.Settings.Crm.Online is null)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Not an Online tenant", $"Tenant '{tenant}' reaches an onsite NetServer; only SuperOffice CRM Online tenants have an Online state.");
        }

        try
        {
            return TypedResults.Ok(await grains.GetGrain<ICrmLookupGrain>(tenant).GetOnlineStateAsync(cancellationToken));
        }
        catch (CrmException ex)
        {
            return Problems.CrmUnanswered(ex);
        }
    }

    private static Task<Results<Ok<TenantResource>, ProblemHttpResult>> GetTenantAsync(string tenant, IGrainFactory grains) =>
        ForTenantAsync(grains, tenant, TenantResource.From);

    private static async Task<Results<Ok<TenantResource>, Created<TenantResource>, ProblemHttpResult>> PutTenantAsync(string tenant, HttpRequest request, IGrainFactory grains)
    {
        if (!request.HttpContext.User.IsInRole(Relay.Hosting.Security.OperatorAccess.Operator) && await ConfigAsync(grains, tenant) is null)
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "Only the operator creates tenants", "Send the operator key to create a tenant.");
        }

        if (!TenantRules.IsValidTenantId(tenant))
        {
            return InvalidTenantId(tenant);
        }

        var (settings, error) = await ReadAsync<TenantSettings>(request);
        if (error is not null)
        {
            return error;
        }

        var grain = grains.GetGrain<ITenantGrain>(tenant);
        var before = await grain.GetConfigAsync();
        var result = await grain.PutSettingsAsync(settings!);
        if (!result.IsValid)
        {
            return Invalid("The tenant settings were rejected", result.Errors);
        }

        var after = (await grain.GetConfigAsync())!;
        await TenantsApi.RecordSettingsChangeAsync(grains, Console.ConsoleUser.Who(request.HttpContext.User), before, after, settings!);
        var resource = TenantResource.From(after);
        var existed = before is not null;
        return existed ? TypedResults.Ok(resource) : TypedResults.Created($"/api/admin/tenants/{tenant}", resource);
    }

    private static Task<Results<Ok<ImmutableArray<Automation>>, ProblemHttpResult>> GetAutomationsAsync(string tenant, IGrainFactory grains) =>
        ForTenantAsync(grains, tenant, config => config.Automations);

    private static async Task<Results<Ok<ImmutableArray<Automation>>, ProblemHttpResult>> PutAutomationsAsync(string tenant, HttpRequest request, IGrainFactory grains)
    {
        if (await ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        var (automations, error) = await ReadAsync<List<Automation?>>(request);
        if (error is not null)
        {
            return error;
        }

        var problems = AutomationValidator.Validate(automations);
        if (problems.Count > 0)
        {
            return Invalid("The automations were rejected", problems);
        }

        var before = (await ConfigAsync(grains, tenant))!.Automations;
        var result = await grains.GetGrain<ITenantGrain>(tenant).PutAutomationsAsync([.. automations!.Select(a => a!)]);
        if (!result.IsValid)
        {
            return Invalid("The automations were rejected", result.Errors);
        }

        var after = (await ConfigAsync(grains, tenant))!.Automations;
        await AutomationsApi.RecordReplacedAsync(grains, tenant, Console.ConsoleUser.Who(request.HttpContext.User), before, after);
        return TypedResults.Ok(after);
    }

    /// <summary>Answers 200 with what <paramref name="read"/> makes of an existing tenant's configuration, and 404 otherwise.</summary>
    internal static async Task<Results<Ok<T>, ProblemHttpResult>> ForTenantAsync<T>(IGrainFactory grains, string tenant, Func<TenantConfig, T> read) =>
        await ConfigAsync(grains, tenant) is { } config ? TypedResults.Ok(read(config)) : Problems.UnknownTenant(tenant);

    /// <summary>Answers 200 with what <paramref name="read"/> returns for an existing tenant, and 404 otherwise.</summary>
    internal static async Task<Results<Ok<T>, ProblemHttpResult>> ForTenantAsync<T>(IGrainFactory grains, string tenant, Func<Task<T>> read) =>
        await ConfigAsync(grains, tenant) is null ? Problems.UnknownTenant(tenant) : TypedResults.Ok(await read());

    /// <summary>The tenant's configuration, or null when the id is not a tenant's.</summary>
    internal static async Task<TenantConfig?> ConfigAsync(IGrainFactory grains, string tenant) =>
        TenantRules.IsValidTenantId(tenant) ? await grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync() : null;

    /// <summary>The JSON body as <typeparamref name="T"/>, or the problem that says why it could not be read.</summary>
    internal static async Task<(T? Value, ProblemHttpResult? Error)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        if (request.HasJsonContentType() is false)
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "JSON expected", "Send the body with Content-Type: application/json."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, RelayJson.Options, request.HttpContext.RequestAborted);
            return value is null
                ? (null, Problems.Create(StatusCodes.Status400BadRequest, "The body is empty", "Send a JSON body."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "The body could not be read", ex.Message));
        }
    }

    /// <summary>A 400 that lists every problem.</summary>
    internal static ProblemHttpResult Invalid(string title, IEnumerable<string> errors) =>
        Problems.Create(StatusCodes.Status400BadRequest, title, "Fix every listed problem and send it again.", new Dictionary<string, object?> { ["errors"] = errors.ToArray() });

    private static ProblemHttpResult InvalidTenantId(string tenant) =>
        Problems.Create(StatusCodes.Status400BadRequest, "Invalid tenant id", $"'{tenant}' is not a tenant id: use 2–63 lowercase letters, digits and dashes.");
}

/// <summary>
/// A tenant as the admin API shows it: the password, application token and Online system-user token never leave Relay,
/// only whether they are set.
/// </summary>
public sealed record TenantResource(string TenantId, long Version, TenantSettings Settings, bool HasPassword, bool HasApplicationToken, int Automations, bool HasSystemUserToken = false)
{
    /// <summary>The resource of a tenant's configuration.</summary>
    public static TenantResource From(TenantConfig config)
    {
        var crm = config.Settings.Crm;
        return new(
            config.TenantId,
            config.Version,
            config.Settings with { Crm = crm with { Password = null, ApplicationToken = null, Online = crm.Online is { } online ? online with { SystemUserToken = null } : null } },
            !string.IsNullOrEmpty(crm.Password),
            !string.IsNullOrEmpty(crm.ApplicationToken),
            config.Automations.Length,
            !string.IsNullOrEmpty(crm.Online?.SystemUserToken));
    }
}
