using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Relay.Hosting;

namespace Relay.Access;

/// <inheritdoc cref="ITenantAccessGrain"/>
/// <remarks>
/// Last use is recorded in memory on every use and written at most once a minute (and when the grain
/// deactivates), so checking a credential never waits for storage. Seen signatures are kept in memory for
/// twice the signature tolerance: a replay inside that window after this grain's silo was lost is still
/// harmless, because every trigger is deduplicated by its id.
/// </remarks>
public sealed class TenantAccessGrain(
    [PersistentState("access", RelayStorage.Name)] IPersistentState<TenantAccessState> state,
    IDataProtectionProvider protection,
    RelayClock clock,
    ILogger<TenantAccessGrain> logger) : Grain, ITenantAccessGrain
{
    /// <summary>How long a seen signature is remembered; signatures older than the tolerance are refused anyway.</summary>
    public static readonly TimeSpan ReplayMemory = TimeSpan.FromMinutes(10);

    private readonly IDataProtector _protector = protection.CreateProtector("Relay.Access.SigningSecrets.v1");
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private ImmutableArray<SigningKey>? _keys;
    private bool _usageDirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { Interleave = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Last use is informational, and storage may already be gone when the silo shuts down: never fail a deactivation for it.
            logger.LogDebug(ex, "Last use of {Tenant}'s credentials not written on deactivation", this.GetPrimaryKeyString());
        }
    }

    async Task<AccessChange<CredentialInfo>> ITenantAccessGrain.AddCredentialAsync(string name, AccessScopes scopes, string token)
    {
        if (Check(name, scopes, token) is { } error)
        {
            return AccessChange.Refused<CredentialInfo>(error);
        }

        var hash = AccessTokens.Hash(token);
        if (state.State.Credentials.Find(c => c.Hash.AsSpan().SequenceEqual(hash)) is { } existing)
        {
            // The same token again (a seeded development credential at every start) changes nothing.
            return existing.Name == name && existing.Scopes == scopes && existing.RevokedAt is null
                ? new(existing.Info, null)
                : AccessChange.Refused<CredentialInfo>("this token is already stored with another name or scopes, or was revoked", conflict: true);
        }

        if (ActiveNamed(name) >= ITenantAccessGrain.ActivePerName)
        {
            return AccessChange.Refused<CredentialInfo>($"{ITenantAccessGrain.ActivePerName} credentials named '{name}' are active: revoke one first", conflict: true);
        }

        return new(await AddAsync(name, scopes, token, hash, rotatedFrom: null), null);
    }

    async Task<AccessChange<CredentialInfo>> ITenantAccessGrain.RotateCredentialAsync(string id, string token)
    {
        var old = state.State.Credentials.Find(c => c.Id == id && c.RevokedAt is null);
        if (old is null)
        {
            return AccessChange.Refused<CredentialInfo>($"no active credential '{id}'", conflict: true);
        }

        if (ActiveNamed(old.Name) >= ITenantAccessGrain.ActivePerName)
        {
            return AccessChange.Refused<CredentialInfo>($"'{old.Name}' already has {ITenantAccessGrain.ActivePerName} active credentials: revoke the older one before rotating again", conflict: true);
        }

        return Check(old.Name, old.Scopes, token) is { } error
            ? AccessChange.Refused<CredentialInfo>(error)
            : new(await AddAsync(old.Name, old.Scopes, token, AccessTokens.Hash(token), old.Id), null);
    }

    async Task<bool> ITenantAccessGrain.RevokeCredentialAsync(string id)
    {
        var credential = state.State.Credentials.Find(c => c.Id == id);
        if (credential is null)
        {
            return false;
        }

        credential.RevokedAt ??= clock.GetUtcNow();
        await WriteAsync();
        return true;
    }

    Task<ImmutableArray<CredentialInfo>> ITenantAccessGrain.ListCredentialsAsync() =>
        Task.FromResult(state.State.Credentials.Select(c => c.Info).ToImmutableArray());

    Task<CredentialMatch?> ITenantAccessGrain.AuthenticateAsync(byte[] hash)
    {
        ForgetIfEmpty();
        // Every active hash is compared, in constant time, so the answer's timing says nothing about any of them.
        StoredCredential? match = null;
        foreach (var credential in state.State.Credentials)
        {
            if (CryptographicOperations.FixedTimeEquals(credential.Hash, hash) && credential.RevokedAt is null)
            {
                match = credential;
            }
        }

        if (match is null)
        {
            return Task.FromResult<CredentialMatch?>(null);
        }

        match.LastUsedAt = Touch(match.LastUsedAt);
        return Task.FromResult<CredentialMatch?>(new(match.Id, match.Name, match.Scopes));
    }

    Task<bool> ITenantAccessGrain.IsActiveAsync(string id) =>
        Task.FromResult(state.State.Credentials.Exists(c => c.Id == id && c.RevokedAt is null));

    async Task<AccessChange<SigningSecretInfo>> ITenantAccessGrain.AddSigningSecretAsync(string secret)
    {
        if (!AccessTokens.IsSigningSecret(secret))
        {
            return AccessChange.Refused<SigningSecretInfo>("a signing secret is made by AccessTokens.NewSigningSecret");
        }

        // The same secret again (the seeded development secret at every start) changes nothing, as for credentials.
        var key = Encoding.UTF8.GetBytes(secret);
        if (ActiveKeys().FirstOrDefault(k => k.Key.AsSpan().SequenceEqual(key)) is { } existing)
        {
            return new(state.State.SigningSecrets.Single(s => s.Id == existing.Id).Info, null);
        }

        if (ActiveKeys().Length >= ITenantAccessGrain.ActivePerName)
        {
            return AccessChange.Refused<SigningSecretInfo>($"{ITenantAccessGrain.ActivePerName} signing secrets are active: revoke the older one first", conflict: true);
        }

        var stored = new StoredSigningSecret
        {
            Id = "sig_" + Guid.NewGuid().ToString("N")[..12],
            Protected = _protector.Protect(secret),
            Hint = AccessTokens.Hint(secret),
            CreatedAt = clock.GetUtcNow(),
        };
        state.State.SigningSecrets.Add(stored);
        _keys = null;
        await WriteAsync();
        return new(stored.Info, null);
    }

    async Task<bool> ITenantAccessGrain.RevokeSigningSecretAsync(string id)
    {
        var secret = state.State.SigningSecrets.Find(s => s.Id == id);
        if (secret is null)
        {
            return false;
        }

        secret.RevokedAt ??= clock.GetUtcNow();
        _keys = null;
        await WriteAsync();
        return true;
    }

    Task<ImmutableArray<SigningSecretInfo>> ITenantAccessGrain.ListSigningSecretsAsync() =>
        Task.FromResult(state.State.SigningSecrets.Select(s => s.Info).ToImmutableArray());

    Task<ImmutableArray<SigningKey>> ITenantAccessGrain.GetSigningKeysAsync()
    {
        ForgetIfEmpty();
        return Task.FromResult(ActiveKeys());
    }

    Task<bool> ITenantAccessGrain.RecordSignatureAsync(string keyId, byte[] signature, DateTimeOffset signedAt)
    {
        var now = clock.GetUtcNow();
        if (!_seen.TryAdd(Convert.ToHexString(signature), signedAt))
        {
            return Task.FromResult(false);
        }

        if (_seen.Count % 1024 == 0)
        {
            Forget(now);
        }

        if (state.State.SigningSecrets.Find(s => s.Id == keyId) is { } secret)
        {
            secret.LastUsedAt = Touch(secret.LastUsedAt);
        }

        return Task.FromResult(true);
    }

    /// <summary>
    /// A made-up tenant in a token (<c>rly_anything_…</c>) activates this grain; one with nothing stored leaves at once,
    /// so such requests cost a storage read each and never memory that lasts.
    /// </summary>
    private void ForgetIfEmpty()
    {
        if (!state.RecordExists)
        {
            this.DeactivateOnIdle();
        }
    }

    private ImmutableArray<SigningKey> ActiveKeys() =>
        _keys ??= [.. state.State.SigningSecrets.Where(s => s.RevokedAt is null).Select(s => new SigningKey(s.Id, Encoding.UTF8.GetBytes(_protector.Unprotect(s.Protected))))];

    private int ActiveNamed(string name) => state.State.Credentials.Count(c => c.Name == name && c.RevokedAt is null);

    private async Task<CredentialInfo> AddAsync(string name, AccessScopes scopes, string token, byte[] hash, string? rotatedFrom)
    {
        var credential = new StoredCredential
        {
            Id = "cred_" + Guid.NewGuid().ToString("N")[..12],
            Name = name,
            Scopes = scopes,
            Hash = hash,
            Hint = AccessTokens.Hint(token),
            CreatedAt = clock.GetUtcNow(),
            RotatedFrom = rotatedFrom,
        };
        state.State.Credentials.Add(credential);
        await WriteAsync();
        return credential.Info;
    }

    private string? Check(string name, AccessScopes scopes, string token)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            return "name: give the credential a name of 1–100 characters (who uses it)";
        }

        if (scopes == AccessScopes.None || (scopes & ~(AccessScopes.Ingest | AccessScopes.Read | AccessScopes.Decide | AccessScopes.Admin)) != 0)
        {
            return "scopes: name at least one of ingest, read, decide, admin";
        }

        return AccessTokens.TryParseCredential(token, out var tenant) && tenant == this.GetPrimaryKeyString()
            ? null
            : "the token is not a credential of this tenant";
    }

    private DateTimeOffset? Touch(DateTimeOffset? lastUsed)
    {
        var now = clock.GetUtcNow();
        if (lastUsed is not null && now - lastUsed.Value < TimeSpan.FromSeconds(1))
        {
            return lastUsed;
        }

        _usageDirty = true;
        return now;
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (signature, signedAt) in _seen)
        {
            if (now - signedAt > ReplayMemory)
            {
                _seen.Remove(signature);
            }
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        Forget(clock.GetUtcNow());
        if (_usageDirty)
        {
            await WriteAsync();
        }
    }

    private async Task WriteAsync()
    {
        _usageDirty = false;
        await state.WriteStateAsync();
    }
}

/// <summary>What a tenant's access grain stores.</summary>
[GenerateSerializer, Alias("relay.tenant-access-state")]
public sealed class TenantAccessState
{
    /// <summary>Every credential, revoked ones too.</summary>
    [Id(0)]
    public List<StoredCredential> Credentials { get; set; } = [];

    /// <summary>Every signing secret, revoked ones too.</summary>
    [Id(1)]
    public List<StoredSigningSecret> SigningSecrets { get; set; } = [];
}

/// <summary>A credential as stored: its hash, never the token.</summary>
[GenerateSerializer, Alias("relay.stored-credential")]
public sealed class StoredCredential
{
    /// <summary>The credential's id.</summary>
    [Id(0)]
    public string Id { get; set; } = "";

    /// <summary>Who uses it.</summary>
    [Id(1)]
    public string Name { get; set; } = "";

    /// <summary>What it allows.</summary>
    [Id(2)]
    public AccessScopes Scopes { get; set; }

    /// <summary>SHA-256 of the token.</summary>
    [Id(3)]
    public byte[] Hash { get; set; } = [];

    /// <summary>The token's last characters.</summary>
    [Id(4)]
    public string Hint { get; set; } = "";

    /// <summary>When it was issued.</summary>
    [Id(5)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it last authenticated a request.</summary>
    [Id(6)]
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When it was revoked.</summary>
    [Id(7)]
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The credential it succeeded.</summary>
    [Id(8)]
    public string? RotatedFrom { get; set; }

    /// <summary>What the operator API shows.</summary>
    public CredentialInfo Info => new(Id, Name, Scopes, Hint, CreatedAt, LastUsedAt, RevokedAt, RotatedFrom);
}

/// <summary>A signing secret as stored: protected with Data Protection.</summary>
[GenerateSerializer, Alias("relay.stored-signing-secret")]
public sealed class StoredSigningSecret
{
    /// <summary>The secret's id.</summary>
    [Id(0)]
    public string Id { get; set; } = "";

    /// <summary>The secret, protected.</summary>
    [Id(1)]
    public string Protected { get; set; } = "";

    /// <summary>The secret's last characters.</summary>
    [Id(2)]
    public string Hint { get; set; } = "";

    /// <summary>When it was issued.</summary>
    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it last verified a request.</summary>
    [Id(4)]
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When it was revoked.</summary>
    [Id(5)]
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>What the operator API shows.</summary>
    public SigningSecretInfo Info => new(Id, Hint, CreatedAt, LastUsedAt, RevokedAt);
}
