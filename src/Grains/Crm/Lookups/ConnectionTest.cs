namespace Relay.Crm.Lookups;

/// <summary>
/// What the console's connection test came to: on success who Relay signs in as (user, groups), the services version,
/// the endpoint and the sign-in's round trip; on failure exactly what failed (<see cref="ErrorType"/>, <see cref="Error"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.connection-test")]
public sealed record ConnectionTest(
    [property: Id(0)] bool Succeeded,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] double RoundTripMs,
    [property: Id(3)] ConnectionTestUser? User = null,
    [property: Id(4)] ImmutableArray<CrmListItem> Groups = default,
    [property: Id(5)] string? ServicesVersion = null,
    [property: Id(6)] string? Endpoint = null,
    [property: Id(7)] string? ErrorType = null,
    [property: Id(8)] string? ErrorKind = null,
    [property: Id(9)] string? Error = null)
{
    /// <summary>A test that signed in.</summary>
    public static ConnectionTest Passed(CrmSignInCheck check, DateTimeOffset at) => new(
        true,
        at,
        Math.Round(check.SignInTime.TotalMilliseconds, 1),
        new ConnectionTestUser(check.User.AssociateId, check.User.UserName, check.User.FullName),
        [.. check.Groups],
        check.ServicesVersion,
        check.Endpoint);

    /// <summary>A test that did not; <paramref name="elapsed"/> is how long it took to fail.</summary>
    public static ConnectionTest Failed(CrmException failure, DateTimeOffset at, TimeSpan elapsed) => new(
        false,
        at,
        Math.Round(elapsed.TotalMilliseconds, 1),
        Groups: [],
        ErrorType: failure.ErrorType,
        ErrorKind: failure.Kind.ToString(),
        Error: failure.Message);
}

/// <summary>The SuperOffice user a tenant's connection signs in as.</summary>
[GenerateSerializer, Immutable, Alias("relay.connection-test-user")]
public sealed record ConnectionTestUser(
    [property: Id(0)] int AssociateId,
    [property: Id(1)] string? UserName,
    [property: Id(2)] string? FullName);
