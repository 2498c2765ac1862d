namespace Relay.Access;

/// <summary>
/// A tenant's credentials and signing secrets. Key: the tenant id. Credentials are kept only as hashes;
/// signing secrets (which Relay must use to check a signature) only protected with Data Protection.
/// </summary>
[Alias("relay.ITenantAccessGrain")]
public interface ITenantAccessGrain : IGrainWithStringKey
{
    /// <summary>The most credentials of one name that may be active at once: the old and the new while a caller rotates.</summary>
    public const int ActivePerName = 2;

    /// <summary>Stores a credential made by <see cref="AccessTokens.NewCredential"/>; the token itself is not kept.</summary>
    [Alias("AddCredential")]
    Task<AccessChange<CredentialInfo>> AddCredentialAsync(string name, AccessScopes scopes, string token);

    /// <summary>Adds <paramref name="token"/> as the successor of credential <paramref name="id"/>, with its name and scopes; both stay active.</summary>
    [Alias("RotateCredential")]
    Task<AccessChange<CredentialInfo>> RotateCredentialAsync(string id, string token);

    /// <summary>Ends a credential at once; false when there is none with that id.</summary>
    [Alias("RevokeCredential")]
    Task<bool> RevokeCredentialAsync(string id);

    /// <summary>Every credential the tenant was given, revoked ones too, oldest first.</summary>
    [AlwaysInterleave, Alias("ListCredentials")]
    Task<ImmutableArray<CredentialInfo>> ListCredentialsAsync();

    /// <summary>The active credential whose hash is <paramref name="hash"/>, or null; records that it was used.</summary>
    [AlwaysInterleave, Alias("Authenticate")]
    Task<CredentialMatch?> AuthenticateAsync(byte[] hash);

    /// <summary>Whether credential <paramref name="id"/> is still active (a signed-in console session checks this).</summary>
    [AlwaysInterleave, Alias("IsActive")]
    Task<bool> IsActiveAsync(string id);

    /// <summary>Stores a signing secret made by <see cref="AccessTokens.NewSigningSecret"/>, protected.</summary>
    [Alias("AddSigningSecret")]
    Task<AccessChange<SigningSecretInfo>> AddSigningSecretAsync(string secret);

    /// <summary>Ends a signing secret at once; false when there is none with that id.</summary>
    [Alias("RevokeSigningSecret")]
    Task<bool> RevokeSigningSecretAsync(string id);

    /// <summary>Every signing secret the tenant was given, oldest first, without the secrets.</summary>
    [AlwaysInterleave, Alias("ListSigningSecrets")]
    Task<ImmutableArray<SigningSecretInfo>> ListSigningSecretsAsync();

    /// <summary>The active signing secrets, for checking a signature inside the cluster; never shown to anyone.</summary>
    [AlwaysInterleave, Alias("GetSigningKeys")]
    Task<ImmutableArray<SigningKey>> GetSigningKeysAsync();

    /// <summary>
    /// Remembers a valid signature until it is stale; false when it was seen before (a replay).
    /// <paramref name="keyId"/> is the secret it was made with, whose last use is recorded.
    /// </summary>
    [AlwaysInterleave, Alias("RecordSignature")]
    Task<bool> RecordSignatureAsync(string keyId, byte[] signature, DateTimeOffset signedAt);
}

/// <summary>A credential as the operator API lists it: never the token or its hash.</summary>
[GenerateSerializer, Immutable, Alias("relay.credential-info")]
public sealed record CredentialInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] AccessScopes Scopes,
    [property: Id(3)] string Hint,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? LastUsedAt,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] string? RotatedFrom);

/// <summary>Who a credential is: its id, name and scopes.</summary>
[GenerateSerializer, Immutable, Alias("relay.credential-match")]
public sealed record CredentialMatch([property: Id(0)] string Id, [property: Id(1)] string Name, [property: Id(2)] AccessScopes Scopes);

/// <summary>A signing secret as the operator API lists it.</summary>
[GenerateSerializer, Immutable, Alias("relay.signing-secret-info")]
public sealed record SigningSecretInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Hint,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset? LastUsedAt,
    [property: Id(4)] DateTimeOffset? RevokedAt);

/// <summary>An active signing secret's key bytes, for computing an HMAC.</summary>
[GenerateSerializer, Immutable, Alias("relay.signing-key")]
public sealed record SigningKey([property: Id(0)] string Id, [property: Id(1)] byte[] Key);

/// <summary>The result of a change: the changed item, or why it was refused (<see cref="Conflict"/> when the rule is about state, not input).</summary>
[GenerateSerializer, Immutable, Alias("relay.access-change`1")]
public sealed record AccessChange<T>([property: Id(0)] T? Value, [property: Id(1)] string? Error, [property: Id(2)] bool Conflict = false)
    where T : class;

/// <summary>Makes <see cref="AccessChange{T}"/> refusals.</summary>
public static class AccessChange
{
    /// <summary>A refusal.</summary>
    public static AccessChange<T> Refused<T>(string error, bool conflict = false)
        where T : class => new(null, error, conflict);
}
