using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Relay.NetServerEmulator.Online;

/// <summary>An application registered with the emulator's SuperOffice: its client id and secret, public key and redirect URIs.</summary>
public sealed record OnlineApplication(string ClientId, string ClientSecret, string PublicKeyPem, IReadOnlyList<string> RedirectUris);

/// <summary>
/// The applications registered with the emulator's SuperID, and SuperID's own signing key (RS256), which signs id_tokens
/// and system-user tokens and is published in the JWKS.
/// </summary>
public sealed class OnlineApplications
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, OnlineApplication> _applications = new(StringComparer.Ordinal);
    private readonly HashSet<(string ClientId, string Context, string Token)> _systemTokens = [];

    /// <summary>SuperID's signing key, made when the emulator starts.</summary>
    public RsaSecurityKey SigningKey { get; } = new(RSA.Create(2048)) { KeyId = "superid-" + Guid.NewGuid().ToString("N")[..8] };

    /// <summary>
    /// Test hook: when set, id_tokens and system-user tokens are signed with this key instead of <see cref="SigningKey"/>,
    /// a key SuperID does not publish, so a relying party must refuse them.
    /// </summary>
    public RsaSecurityKey? TokenSigningOverride { get; set; }

    /// <summary>Test hook: changes the claims of the next tokens (e.g. another nonce, context or associate) before they are signed.</summary>
    public Action<IDictionary<string, object>>? TamperClaims { get; set; }

    /// <summary>The key tokens are signed with now.</summary>
    public RsaSecurityKey TokenKey => TokenSigningOverride ?? SigningKey;

    /// <summary>Issues a new system-user token for an application and tenant (the admin-consent sign-in does this).</summary>
    public string IssueSystemToken(string clientId, string contextIdentifier)
    {
        var token = "SysTok-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            _systemTokens.Add((clientId, contextIdentifier, token));
        }

        return token;
    }

    /// <summary>Whether the token was issued to this application for this tenant.</summary>
    public bool IsSystemToken(string clientId, string contextIdentifier, string token)
    {
        lock (_gate)
        {
            return _systemTokens.Contains((clientId, contextIdentifier, token));
        }
    }

    /// <summary>Registers (or replaces) an application.</summary>
    public void Register(OnlineApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        lock (_gate)
        {
            _applications[application.ClientId] = application;
        }
    }

    /// <summary>The application with this client id, or null.</summary>
    public OnlineApplication? Find(string? clientId)
    {
        lock (_gate)
        {
            return clientId is not null && _applications.TryGetValue(clientId, out var app) ? app : null;
        }
    }

    /// <summary>The application whose client secret (ApplicationToken) this is, or null.</summary>
    public OnlineApplication? FindBySecret(string? applicationToken)
    {
        lock (_gate)
        {
            return applicationToken is null ? null : _applications.Values.FirstOrDefault(a => a.ClientSecret == applicationToken);
        }
    }
}
