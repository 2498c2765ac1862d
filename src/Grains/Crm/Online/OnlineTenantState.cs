namespace Relay.Crm.Online;

/// <summary>
/// An Online tenant's state as its environment's <c>/api/state/{ContextIdentifier}</c> answered it: where its NetServer
/// is (<see cref="Endpoint"/>, the base of <c>/Remote/Services{v}/{Agent}.svc</c>; <see cref="Api"/>, its REST web API) and
/// whether it runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.online-tenant-state")]
public sealed record OnlineTenantState(
    [property: Id(0)] string ContextIdentifier,
    [property: Id(1)] string Environment,
    [property: Id(2)] string Endpoint,
    [property: Id(3)] string State,
    [property: Id(4)] bool IsRunning,
    [property: Id(5)] DateTimeOffset CheckedAt,
    [property: Id(6)] string? Api = null)
{
    /// <summary>
    /// The tenant's REST web API root (<c>…/api</c>, under which <c>v1/Agents/…</c> lives): the state's <c>Api</c>, or
    /// <c>{Endpoint}/api</c> when the state names none.
    /// </summary>
    public string ApiRoot => Api ?? Endpoint + "/api";
}
