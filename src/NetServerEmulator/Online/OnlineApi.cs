using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServerEmulator.Online;

/// <summary>
/// The Online tenant's HTTP surface besides NetServer: SuperOffice's <c>/api/state/{ctx}</c> (where the tenant is and
/// whether it runs) and the emulator's <c>/admin/online</c> calls that move it, stop it and register applications.
/// </summary>
public static class OnlineApi
{
    // SuperOffice writes the state document with PascalCase names, unlike the emulator's admin API.
    private static readonly JsonSerializerOptions StateJson = new();

    /// <summary>Maps <c>/api/state/{ctx}</c> and <c>/admin/online/*</c>.</summary>
    public static IEndpointRouteBuilder MapOnlineApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/state/{ctx}", State);
        var admin = app.MapGroup("/admin/online");
        admin.MapGet("/", (OnlineTenant tenant, EmulatorStore store) => TypedResults.Ok(View(tenant, store)));
        admin.MapPost("/move", Move);
        admin.MapPost("/state", (StateRequest request, OnlineTenant tenant, EmulatorStore store) =>
        {
            if (string.IsNullOrWhiteSpace(request.State))
            {
                return Results.BadRequest("state is required, e.g. \"Running\" or \"OfflineMaintenance\"");
            }

            tenant.SetState(request.State);
            return Results.Ok(View(tenant, store));
        });
        admin.MapPost("/applications", (OnlineApplication application, OnlineApplications applications) =>
        {
            if (string.IsNullOrWhiteSpace(application.ClientId) || string.IsNullOrWhiteSpace(application.ClientSecret))
            {
                return Results.BadRequest("clientId and clientSecret are required");
            }

            applications.Register(application with { PublicKeyPem = application.PublicKeyPem ?? string.Empty, RedirectUris = application.RedirectUris ?? [] });
            return Results.NoContent();
        });
        return app;
    }

    private static Results<JsonHttpResult<TenantState>, NotFound> State(string ctx, OnlineTenant tenant, EmulatorStore store)
    {
        var context = store.ContextIdentifier;
        if (!string.Equals(ctx, context, StringComparison.OrdinalIgnoreCase) || tenant.CurrentHostUrl is not { } host)
        {
            return TypedResults.NotFound();
        }

        var endpoint = $"{host.Origin()}/{context}";
        var state = tenant.State;
        return TypedResults.Json(
            new TenantState(context, endpoint, state, state == "Running", (store.Now + TimeSpan.FromHours(1)).UtcDateTime, endpoint + "/api"),
            StateJson);
    }

    private static Results<Ok<OnlineView>, BadRequest<string>> Move(MoveRequest? request, OnlineTenant tenant, EmulatorStore store)
    {
        try
        {
            tenant.Move(request?.Host);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            return TypedResults.BadRequest(e.Message);
        }

        return TypedResults.Ok(View(tenant, store));
    }

    private static OnlineView View(OnlineTenant tenant, EmulatorStore store) =>
        new(store.ContextIdentifier, [.. tenant.Hosts.Select(h => h.Origin())], tenant.CurrentHost, tenant.State, tenant.IsRunning);

    /// <summary>What <c>GET /api/state/{ctx}</c> returns, as SuperOffice Online does.</summary>
    public sealed record TenantState(string ContextIdentifier, string Endpoint, string State, bool IsRunning, DateTime ValidUntil, string Api);

    /// <summary>What <c>GET /admin/online</c> returns.</summary>
    public sealed record OnlineView(string ContextIdentifier, IReadOnlyList<string> Hosts, int CurrentHost, string State, bool IsRunning);

    /// <summary>Body of <c>POST /admin/online/move</c>: the host's index, or none for the next one.</summary>
    public sealed record MoveRequest(int? Host);

    /// <summary>Body of <c>POST /admin/online/state</c>.</summary>
    public sealed record StateRequest(string? State);
}
