using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Online;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Admin;

/// <summary>The emulator's admin HTTP API: ledger, faults, reset, request log, ticket expiry and who may read a person.</summary>
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
        admin.MapPost("/tickets/lifetime", (EmulatorStore store, int seconds) =>
        {
            store.TicketLifetime = TimeSpan.FromSeconds(seconds);
            return TypedResults.NoContent();
        });
        return app;
    }

    /// <summary>What <c>GET /admin/ledger</c> returns.</summary>
    public sealed record LedgerView(IReadOnlyDictionary<string, int> Counts, IReadOnlyList<LedgerEntry> Writes);

    /// <summary>One line of <c>GET /admin/requests</c>.</summary>
    public sealed record RequestView(long Sequence, DateTimeOffset At, string Version, string Agent, string Operation, int Status, string Outcome, double DurationMs);
}
