using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Access;

/// <summary>
/// The shape of Relay's secrets. A tenant credential is <c>rly_{tenant}_{secret}</c> and a signing secret
/// <c>rlys_{secret}</c>, where the secret is 256 random bits in base64url (43 characters): the prefix makes a
/// leaked one recognisable (secret scanners, logs), the tenant tells Relay whose credentials to check.
/// </summary>
public static class AccessTokens
{
    /// <summary>How a credential starts.</summary>
    public const string CredentialPrefix = "rly_";

    /// <summary>How a signing secret starts.</summary>
    public const string SigningSecretPrefix = "rlys_";

    /// <summary>The length of the random part.</summary>
    public const int SecretLength = 43;

    /// <summary>A new credential for <paramref name="tenantId"/>.</summary>
    public static string NewCredential(string tenantId) => $"{CredentialPrefix}{tenantId}_{NewSecret()}";

    /// <summary>A new signing secret.</summary>
    public static string NewSigningSecret() => SigningSecretPrefix + NewSecret();

    /// <summary>Whether <paramref name="value"/> has a credential's shape; <paramref name="tenantId"/> is the tenant it names.</summary>
    public static bool TryParseCredential(string value, out string tenantId)
    {
        tenantId = "";
        if (!value.StartsWith(CredentialPrefix, StringComparison.Ordinal) || value.Length > CredentialPrefix.Length + 64 + SecretLength)
        {
            return false;
        }

        var rest = value.AsSpan(CredentialPrefix.Length);
        var separator = rest.IndexOf('_');
        if (separator < 0 || !IsSecret(rest[(separator + 1)..]))
        {
            return false;
        }

        tenantId = rest[..separator].ToString();
        return Tenants.TenantRules.IsValidTenantId(tenantId);
    }

    /// <summary>Whether <paramref name="value"/> has a signing secret's shape.</summary>
    public static bool IsSigningSecret(string value) =>
        value.StartsWith(SigningSecretPrefix, StringComparison.Ordinal) && IsSecret(value.AsSpan(SigningSecretPrefix.Length));

    /// <summary>What Relay stores of a credential: its SHA-256 (256 random bits need no slow hash).</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The last four characters, so a person can tell credentials apart in a list.</summary>
    public static string Hint(string token) => "…" + token[^4..];

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static bool IsSecret(ReadOnlySpan<char> secret)
    {
        if (secret.Length != SecretLength)
        {
            return false;
        }

        foreach (var c in secret)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
