using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Relay.Web.Panels;

namespace Relay.Web.Online;

/// <summary>A panel session the sign-in pop-up hands to the panel's frame, and the panel path the frame returns to.</summary>
public sealed record PanelHandOff(PanelSession Session, string ReturnPath);

/// <summary>
/// The hand-off from the sign-in pop-up to the panel's frame: the session, protected with Data Protection for this
/// purpose and this tenant only, valid for <see cref="Lifetime"/>. The frame posts it to <c>/panels/{tenant}/session</c>,
/// where the gate turns it into the session cookie; a changed, expired or other tenant's hand-off is nothing.
/// </summary>
public sealed class PanelHandOffs(IDataProtectionProvider dataProtection, TimeProvider time)
{
    /// <summary>The last path segment of the panel URL the frame posts the hand-off to.</summary>
    public const string Segment = "session";

    /// <summary>How long a hand-off can be redeemed: the pop-up posts it at once.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    /// <summary>The hand-off token.</summary>
    public string Protect(PanelHandOff handOff) => Protect(handOff, time.GetUtcNow() + Lifetime);

    /// <summary>The hand-off token, valid until <paramref name="expiresAt"/>.</summary>
    internal string Protect(PanelHandOff handOff, DateTimeOffset expiresAt) =>
        ProtectorFor(handOff.Session.Tenant).Protect(JsonSerializer.Serialize(handOff), expiresAt);

    /// <summary>The hand-off in a token, or null when it is missing, changed, expired, for another tenant or returns elsewhere.</summary>
    public PanelHandOff? Read(string? token, string tenant)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 8192)
        {
            return null;
        }

        try
        {
            var handOff = JsonSerializer.Deserialize<PanelHandOff>(ProtectorFor(tenant).Unprotect(token));
            return handOff is not null && handOff.Session.Tenant == tenant && IsReturnPath(handOff.ReturnPath, tenant) ? handOff : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="path"/> is a local path of this tenant's panels, so that no hand-off redirects anywhere else.</summary>
    public static bool IsReturnPath(string? path, string tenant) =>
        path is { Length: < 2048 } &&
        path.StartsWith($"/panels/{tenant}/", StringComparison.Ordinal) &&
        !path.Contains("//", StringComparison.Ordinal) && !path.Contains('\\', StringComparison.Ordinal) && !path.Any(char.IsControl);

    // The tenant is part of the purpose: a hand-off made for one tenant does not even decrypt for another.
    private ITimeLimitedDataProtector ProtectorFor(string tenant) =>
        dataProtection.CreateProtector("Relay.Online.PanelHandOff.v1", tenant).ToTimeLimitedDataProtector();
}
