using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServerEmulator.Online;

/// <summary>The tokens SuperID signs: its issuer and host addresses, the id_token's claims, and signing through the test hooks.</summary>
public static class SuperIdTokens
{
    /// <summary>How long an id_token or access token is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    // No default times: every time claim comes from the store's clock, so tests that move the clock see it in the tokens.
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>SuperID's issuer: the un-numbered host's base URL without a trailing slash (the request's own when not set).</summary>
    public static string Issuer(HttpRequest request, OnlineTenant tenant) =>
        BaseOf(tenant.AuthorityHost, request);

    /// <summary>The base URL of the numbered host that serves the tenant now (the request's own before there are numbered hosts).</summary>
    public static string CurrentHost(HttpRequest request, OnlineTenant tenant) =>
        BaseOf(tenant.CurrentHostUrl, request);

    /// <summary>The registered claims every SuperID token has: iss, aud, iat, nbf and exp (one <see cref="Lifetime"/> from now).</summary>
    public static Dictionary<string, object> Registered(string issuer, string audience, DateTimeOffset now) => new(StringComparer.Ordinal)
    {
        [JwtRegisteredClaimNames.Iss] = issuer,
        [JwtRegisteredClaimNames.Aud] = audience,
        [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds(),
        [JwtRegisteredClaimNames.Nbf] = now.ToUnixTimeSeconds(),
        [JwtRegisteredClaimNames.Exp] = (now + Lifetime).ToUnixTimeSeconds(),
    };

    /// <summary>The id_token's claims for a user who signed in at SuperID.</summary>
    public static Dictionary<string, object> IdTokenClaims(
        string issuer, string clientId, DateTimeOffset now, AssociateRecord user, string context, string ticket, string currentHost, string? nonce, string? systemToken)
    {
        var claims = Registered(issuer, clientId, now);
        claims[JwtRegisteredClaimNames.Sub] = user.UserName;
        claims[SuperIdClaims.ContextIdentifier] = context;
        claims[SuperIdClaims.AssociateId] = user.AssociateId.ToString(CultureInfo.InvariantCulture);
        claims[SuperIdClaims.Ticket] = ticket;
        claims[SuperIdClaims.NetServerUrl] = $"{currentHost}/{context}/Remote/Services88/";
        claims[SuperIdClaims.WebApiUrl] = $"{currentHost}/{context}/api/";
        claims[SuperIdClaims.IsAdministrator] = user.IsAdministrator ? "True" : "False";
        claims[SuperIdClaims.Email] = user.Email;
        claims[SuperIdClaims.Upn] = user.UserName;
        if (nonce is not null)
        {
            claims[JwtRegisteredClaimNames.Nonce] = nonce;
        }

        if (systemToken is not null)
        {
            claims[SuperIdClaims.SystemToken] = systemToken;
        }

        return claims;
    }

    /// <summary>
    /// Signs claims as SuperID does (RS256, kid in the header), after the <see cref="OnlineApplications.TamperClaims"/> hook
    /// and with <see cref="OnlineApplications.TokenKey"/>, so the tests' forged tokens come out of the same path as real ones.
    /// </summary>
    public static string Sign(OnlineApplications applications, Dictionary<string, object> claims)
    {
        applications.TamperClaims?.Invoke(claims);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(applications.TokenKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private static string BaseOf(Uri? configured, HttpRequest request) =>
        (configured?.ToString() ?? $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/');
}
