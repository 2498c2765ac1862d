using System.Security.Cryptography;
using System.Text.Json;

namespace Relay.Automations;

/// <summary>
/// The strong entity tag of one automation: a hash of its JSON, so it changes exactly when what an editor sees
/// changes, and needs nothing stored beside the automation.
/// </summary>
public static class AutomationETag
{
    /// <summary>The quoted entity tag of <paramref name="automation"/>.</summary>
    public static string Of(Automation automation) =>
        $"\"{Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(automation, RelayJson.Options)))[..24]}\"";

    /// <summary>
    /// Whether an <c>If-Match</c> value (<c>*</c> or a comma-separated list of entity tags) admits the automation whose tag
    /// is <paramref name="current"/> (null: there is none). Weak tags never match: the comparison is the strong one.
    /// </summary>
    public static bool Admits(string ifMatch, string? current)
    {
        if (current is null)
        {
            return false;
        }

        return ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || string.Equals(tag, current, StringComparison.Ordinal));
    }
}
