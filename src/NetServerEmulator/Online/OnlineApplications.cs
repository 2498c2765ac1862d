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

    /// <summary>SuperID's signing key, made when the emulator starts.</summary>
    public RsaSecurityKey SigningKey { get; } = new(RSA.Create(2048)) { KeyId = "superid-" + Guid.NewGuid().ToString("N")[..8] };

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
