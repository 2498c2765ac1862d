namespace Relay.Crm.Online;

/// <summary>
/// An Online tenant's state as its environment's <c>/api/state/{ContextIdentifier}</c> answered it: where its NetServer
/// is (<see cref="Endpoint"/>, the base of <c>/Remote/Services{v}/{Agent}.svc</c>) and whether it runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.online-tenant-state")]
public sealed record OnlineTenantState(
    [property: Id(0)] string ContextIdentifier,
    [property: Id(1)] string Environment,
    [property: Id(2)] string Endpoint,
    [property: Id(3)] string State,
    [property: Id(4)] bool IsRunning,
    [property: Id(5)] DateTimeOffset CheckedAt);
