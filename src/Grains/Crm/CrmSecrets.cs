using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Relay.Crm;

/// <summary>
/// Protects a tenant's CRM secrets (NetServer password, application token, and any later secret such as an Online
/// system-user token) with ASP.NET Core Data Protection. Grain state and <see cref="CrmConnection"/> carry only the
/// protected form; the CRM adapter reveals a secret right before it signs in or sends it.
/// </summary>
public sealed class CrmSecrets
{
    /// <summary>Marks a protected value, so a value stored before secrets were protected (plaintext) is still recognised.</summary>
    public const string Prefix = "relay-protected:v1:";

    /// <summary>The Data Protection purpose: a key of the shared ring protects nothing else's data under it.</summary>
    public const string Purpose = "Relay.CrmSecrets.v1";

    private readonly IDataProtector? _protector;

    /// <summary>Secrets protected with the process's key ring.</summary>
    public CrmSecrets(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    private CrmSecrets()
    {
    }

    /// <summary>Without a key ring: plaintext passes through and a protected value cannot be read (adapters built by hand, tests).</summary>
    public static CrmSecrets WithoutKeyRing { get; } = new();

    /// <summary>Whether the value is in protected form.</summary>
    public static bool IsProtected(string? value) => value is not null && value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The protected form of a secret. A value that only looks protected is protected too, so a protected value copied
    /// from elsewhere cannot be planted as a tenant's secret.
    /// </summary>
    public string Protect(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var protector = _protector ?? throw new InvalidOperationException("CRM secrets cannot be protected without a Data Protection key ring.");
        return Prefix + protector.Protect(secret);
    }

    /// <summary>
    /// The secret itself, for the moment it is sent. A plaintext value (stored before protection) is returned as it is;
    /// a value the key ring cannot read fails permanently: the secret has to be sent again.
    /// </summary>
    public string? Reveal(string? stored, string tenantId, string what)
    {
        if (!IsProtected(stored))
        {
            return stored;
        }

        if (_protector is null)
        {
            throw Unreadable(tenantId, what, null);
        }

        try
        {
            return _protector.Unprotect(stored![Prefix.Length..]);
        }
        catch (CryptographicException e)
        {
            throw Unreadable(tenantId, what, e);
        }
    }

    private static CrmException Unreadable(string tenantId, string what, Exception? inner) =>
        new(CrmErrorKind.Permanent, "SecretUnreadable", $"Tenant {tenantId}: the stored {what} cannot be decrypted with this process's Data Protection key ring; check that every process shares the key ring, or send the {what} again.", inner);
}
