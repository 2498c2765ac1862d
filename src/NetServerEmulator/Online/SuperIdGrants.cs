using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServerEmulator.Online;

/// <summary>What a sign-in granted, kept behind its authorization code until the client redeems it.</summary>
public sealed record SuperIdCode(
    string ClientId, string RedirectUri, string CodeChallenge, string? Nonce, int AssociateId, string Context, string? SystemToken, DateTimeOffset ExpiresAt);

/// <summary>What a refresh token stands for: a user of a tenant signed in to an application.</summary>
public sealed record SuperIdRefresh(string ClientId, int AssociateId, string Context);

/// <summary>SuperID's authorization codes (one use, <see cref="CodeLifetime"/>) and refresh tokens, on the store's clock.</summary>
public sealed class SuperIdGrants(EmulatorStore store)
{
    /// <summary>How long a code may wait for its redemption.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SuperIdCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SuperIdRefresh> _refreshTokens = new(StringComparer.Ordinal);

    /// <summary>A new code for a sign-in; it expires <see cref="CodeLifetime"/> from now.</summary>
    public string IssueCode(string clientId, string redirectUri, string codeChallenge, string? nonce, int associateId, string context, string? systemToken)
    {
        var code = NewSecret();
        lock (_gate)
        {
            _codes[code] = new SuperIdCode(clientId, redirectUri, codeChallenge, nonce, associateId, context, systemToken, store.Now + CodeLifetime);
        }

        return code;
    }

    /// <summary>
    /// Takes a code out for good, whatever the redemption's outcome (a code that was presented once is spent, so a wrong
    /// verifier cannot be retried); null when it is unknown, already used or expired.
    /// </summary>
    public SuperIdCode? TakeCode(string? code)
    {
        if (code is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _codes.Remove(code, out var grant) && grant.ExpiresAt > store.Now ? grant : null;
        }
    }

    /// <summary>A new refresh token for the user and application.</summary>
    public string IssueRefreshToken(SuperIdRefresh grant)
    {
        var token = NewSecret();
        lock (_gate)
        {
            _refreshTokens[token] = grant;
        }

        return token;
    }

    /// <summary>What the refresh token stands for, or null when SuperID never issued it.</summary>
    public SuperIdRefresh? FindRefreshToken(string? token)
    {
        lock (_gate)
        {
            return token is not null && _refreshTokens.TryGetValue(token, out var grant) ? grant : null;
        }
    }

    /// <summary>Whether a PKCE code_verifier matches the S256 code_challenge it was sent with.</summary>
    public static bool VerifierMatches(string? verifier, string challenge)
    {
        // RFC 7636 §4.1: 43 to 128 characters; shorter ones would be guessable.
        if (verifier is null || verifier.Length is < 43 or > 128)
        {
            return false;
        }

        var computed = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(computed), System.Text.Encoding.ASCII.GetBytes(challenge));
    }

    private static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
