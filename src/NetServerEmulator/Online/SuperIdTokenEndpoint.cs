using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Relay.NetServerEmulator.Online;

/// <summary>
/// SuperID's token endpoint (<c>POST /login/common/oauth/tokens</c>): redeems an authorization code (client secret and
/// PKCE checked) or a refresh token for an id_token with a fresh ticket, an access token and a refresh token.
/// </summary>
internal static class SuperIdTokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, SuperIdServices superId)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (!http.Request.HasFormContentType)
        {
            return Error("invalid_request", "the token request must be a form (application/x-www-form-urlencoded)");
        }

        var form = await http.Request.ReadFormAsync();
        var (clientId, clientSecret) = ClientCredentials(http.Request, form);
        var application = superId.Applications.Find(clientId);
        if (application is null || clientSecret is null || !SameSecret(application.ClientSecret, clientSecret))
        {
            return Error("invalid_client", "unknown client or wrong client_secret");
        }

        switch (form["grant_type"].FirstOrDefault())
        {
            case "authorization_code":
                var code = superId.Grants.TakeCode(form["code"].FirstOrDefault());
                if (code is null || code.ClientId != application.ClientId)
                {
                    return Error("invalid_grant", "the code is unknown, was used already, has expired or belongs to another client");
                }

                if (code.RedirectUri != form["redirect_uri"].FirstOrDefault())
                {
                    return Error("invalid_grant", "redirect_uri differs from the authorization request's");
                }

                if (!SuperIdGrants.VerifierMatches(form["code_verifier"].FirstOrDefault(), code.CodeChallenge))
                {
                    return Error("invalid_grant", "code_verifier does not match the code_challenge (PKCE S256)");
                }

                return Tokens(http, superId, new SuperIdRefresh(code.ClientId, code.AssociateId, code.Context), code.Nonce, code.SystemToken);

            case "refresh_token":
                var refresh = superId.Grants.FindRefreshToken(form["refresh_token"].FirstOrDefault());
                return refresh is null || refresh.ClientId != application.ClientId
                    ? Error("invalid_grant", "the refresh token is unknown or belongs to another client")
                    : Tokens(http, superId, refresh, nonce: null, systemToken: null);

            default:
                return Error("unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
        }
    }

    private static IResult Tokens(HttpContext http, SuperIdServices superId, SuperIdRefresh grant, string? nonce, string? systemToken)
    {
        var user = superId.Store.Read(s => s.Associates.GetValueOrDefault(grant.AssociateId));
        if (user is null)
        {
            return Error("invalid_grant", $"associate {grant.AssociateId} no longer exists");
        }

        var ticket = superId.Store.IssueTicket(user.AssociateId).Ticket;
        var claims = SuperIdTokens.IdTokenClaims(
            SuperIdTokens.Issuer(http.Request, superId.Tenant), grant.ClientId, superId.Store.Now, user, grant.Context, ticket,
            SuperIdTokens.CurrentHost(http.Request, superId.Tenant), nonce, systemToken);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = $"8A:{grant.Context}.{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24))}",
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)SuperIdTokens.Lifetime.TotalSeconds,
            ["id_token"] = SuperIdTokens.Sign(superId.Applications, claims),
            ["refresh_token"] = superId.Grants.IssueRefreshToken(grant),
        });
    }

    /// <summary>The client's id and secret from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or else from the form.</summary>
    private static (string? ClientId, string? ClientSecret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is not null)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)).Split(':', 2);
                return pair.Length == 2 ? (WebUtility.UrlDecode(pair[0]), WebUtility.UrlDecode(pair[1])) : (null, null);
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (form["client_id"].FirstOrDefault(), form["client_secret"].FirstOrDefault());
    }

    private static bool SameSecret(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    private static IResult Error(string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: StatusCodes.Status400BadRequest);
}
