using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Online;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Admin;

/// <summary>The emulator's admin HTTP API: ledger, faults, reset, request log, ticket expiry, who may read a person, and deleting a selection, project or interest.</summary>
public static class AdminApi
{
    /// <summary>Maps <c>/admin/*</c>.</summary>
    public static IEndpointRouteBuilder MapEmulatorAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/ledger", (EmulatorStore store) => TypedResults.Ok(new LedgerView(store.Counts(), store.Ledger())));
        admin.MapGet("/faults", (FaultInjector faults) => TypedResults.Ok(faults.Rules()));
        admin.MapPost("/faults", (FaultRule[] rules, FaultInjector faults) => TypedResults.Ok(rules.Select(faults.Add).ToList()));
        admin.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return TypedResults.NoContent();
        });
        admin.MapPost("/reset", (EmulatorStore store, FaultInjector faults, RequestLog log, OnlineTenant tenant) =>
        {
            DemoSeed.Apply(store);
            faults.Clear();
            log.Clear();
            tenant.Reset();
            return TypedResults.NoContent();
        });
        admin.MapGet("/requests", (RequestLog log, int? take) =>
            TypedResults.Ok(log.Snapshot().TakeLast(take ?? 200).Select(r => new RequestView(r.Sequence, r.At, r.Version, r.Agent, r.Operation, r.Status, r.Outcome, r.DurationMs)).ToList()));
        admin.MapPost("/tickets/expire", (EmulatorStore store, string? ticket) => TypedResults.Ok(new { expired = store.ExpireTickets(ticket) }));
        admin.MapPut("/persons/{personId:int}/visibility", (EmulatorStore store, int personId, int[] groups) =>
            store.RestrictPerson(personId, groups) ? Results.NoContent() : Results.NotFound());
        // What an admin does in SuperOffice that Relay must notice: a selection, project or interest it refers to disappears.
        admin.MapDelete("/selections/{id:int}", (EmulatorStore store, int id) => Removed(store.Write(s => s.Selections.Remove(id))));
        admin.MapDelete("/projects/{id:int}", (EmulatorStore store, int id) => Removed(store.Write(s => s.Projects.Remove(id))));
        admin.MapDelete("/interests/{id:int}", (EmulatorStore store, int id) => Removed(store.Write(s => s.Interests.RemoveAll(i => i.Id == id) > 0)));
        admin.MapPost("/tickets/lifetime", (EmulatorStore store, int seconds) =>
        {
            store.TicketLifetime = TimeSpan.FromSeconds(seconds);
            return TypedResults.NoContent();
        });
        return app;
    }

    private static IResult Removed(bool removed) => removed ? Results.NoContent() : Results.NotFound();

    /// <summary>What <c>GET /admin/ledger</c> returns.</summary>
    public sealed record LedgerView(IReadOnlyDictionary<string, int> Counts, IReadOnlyList<LedgerEntry> Writes);

    /// <summary>One line of <c>GET /admin/requests</c>.</summary>
    public sealed record RequestView(long Sequence, DateTimeOffset At, string Version, string Agent, string Operation, int Status, string Outcome, double DurationMs);
}
