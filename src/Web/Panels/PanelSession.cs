using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Relay.Web.Panels;

/// <summary>The three panels sales people see inside SuperOffice.</summary>
public enum PanelKind
{
    /// <summary>The Lead Report.</summary>
    LeadReport = 0,

    /// <summary>The Timeline Report of a person or company.</summary>
    Timeline = 1,

    /// <summary>Event details of a sale or appointment.</summary>
    EventDetails = 2,
}

/// <summary>
/// A SuperOffice user whose ticket Relay verified, for one tenant, until <see cref="ExpiresAt"/>. <see cref="UserTicket"/>
/// is that ticket, kept (inside the encrypted cookie only) so that person searches and links run with the user's own
/// SuperOffice rights; null when the user signed in some other way.
/// </summary>
public sealed record PanelSession(string Tenant, int AssociateId, string Name, IReadOnlyList<int> Groups, DateTimeOffset ExpiresAt, string? UserTicket = null)
{
    /// <summary>Never print the ticket.</summary>
    public override string ToString() => $"{Name} ({AssociateId}) @ {Tenant} until {ExpiresAt:O}";

    /// <summary>The session of a user SuperOffice confirmed: their primary group and every other group count.</summary>
    public static PanelSession For(string tenant, Relay.Crm.CrmUser user, DateTimeOffset expiresAt, string? userTicket) =>
        new(tenant, user.AssociateId, user.FullName ?? user.UserName ?? $"User {user.AssociateId}", user.GroupIds.Prepend(user.PrimaryGroupId).Distinct().ToArray(), expiresAt, userTicket);
}

/// <summary>
/// Issues and reads the panel session cookie: signed and encrypted with ASP.NET Core Data Protection,
/// time-limited, one cookie per tenant. A cookie that was changed, has expired or names another tenant
/// is no session.
/// </summary>
public sealed class PanelSessions(IDataProtectionProvider dataProtection, TimeProvider time)
{
    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Relay.Panels.Session.v1").ToTimeLimitedDataProtector();

    /// <summary>The cookie that carries a tenant's session.</summary>
    public static string CookieName(string tenant) => $"relay-panel-{tenant}";

    /// <summary>The cookie value for a session.</summary>
    public string Protect(PanelSession session) => _protector.Protect(JsonSerializer.Serialize(session), session.ExpiresAt);

    /// <summary>
    /// Sets the session cookie: partitioned (CHIPS), because the panels live in SuperOffice's cross-site iframe and a
    /// browser that blocks third-party cookies still keeps a partitioned one for that iframe.
    /// </summary>
    public void Append(HttpResponse response, PanelSession session) =>
        response.Cookies.Append(CookieName(session.Tenant), Protect(session), new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.None,
            Path = "/panels/" + session.Tenant,
            MaxAge = session.ExpiresAt - time.GetUtcNow(),
            IsEssential = true,
            Extensions = { "Partitioned" },
        });

    /// <summary>The session in a cookie value, or null when the value is missing, forged, expired or for another tenant.</summary>
    public PanelSession? Read(string? cookie, string tenant)
    {
        if (string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        try
        {
            var session = JsonSerializer.Deserialize<PanelSession>(_protector.Unprotect(cookie));
            return session is not null && session.Tenant == tenant && session.ExpiresAt > time.GetUtcNow() ? session : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }
}
