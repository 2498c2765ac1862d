namespace Relay.Contacts;

/// <summary>
/// The contact grain key and stream key, <c>{tenant}:{contactId}</c>. Tenant ids never hold ':', so the
/// first ':' separates them; ':' also survives Azure Table keys, where '/' would not.
/// </summary>
public static class ContactKey
{
    /// <summary>The key of a tenant's contact.</summary>
    public static string Of(string tenantId, string contactId) => $"{tenantId}:{contactId}";

    /// <summary>The tenant and contact id inside a key.</summary>
    public static (string TenantId, string ContactId) Parse(string key)
    {
        var i = key.IndexOf(':', StringComparison.Ordinal);
        return i <= 0 ? throw new ArgumentException($"'{key}' is not a contact key (tenant:contactId).", nameof(key)) : (key[..i], key[(i + 1)..]);
    }
}
