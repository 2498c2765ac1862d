using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Relay.Crm.Online;

namespace Relay.NetServer.Tests;

/// <summary>The emulator's SuperID as an OpenID Connect client meets it over HTTP: discovery, sign-in, consent, tokens and the test hooks.</summary>
public sealed class SuperIdTests
{
    [Fact]
    public async Task Discovery_names_the_endpoints_under_the_issuer_and_requires_PKCE_S256()
    {
        await using var client = await SuperIdClient.StartAsync();

        var discovery = await GetJsonAsync(client, "/login/.well-known/openid-configuration");

        var issuer = client.Issuer;
        discovery.GetProperty("issuer").GetString().ShouldBe(issuer);
        discovery.GetProperty("authorization_endpoint").GetString().ShouldBe(issuer + "/login/common/oauth/authorize");
        discovery.GetProperty("token_endpoint").GetString().ShouldBe(issuer + "/login/common/oauth/tokens");
        discovery.GetProperty("jwks_uri").GetString().ShouldBe(issuer + "/login/.well-known/jwks");
        Strings(discovery, "response_types_supported").ShouldBe(["code"]);
        Strings(discovery, "response_modes_supported").ShouldBe(["query", "form_post"]);
        Strings(discovery, "code_challenge_methods_supported").ShouldBe(["S256"]);
        Strings(discovery, "id_token_signing_alg_values_supported").ShouldBe(["RS256"]);
        Strings(discovery, "scopes_supported").ShouldBe(["openid"]);
        Strings(discovery, "subject_types_supported").ShouldBe(["public"]);
        Strings(discovery, "grant_types_supported").ShouldBe(["authorization_code", "refresh_token"]);
    }

    [Fact]
    public async Task The_JWKS_publishes_the_signing_key_without_its_private_part()
    {
        await using var client = await SuperIdClient.StartAsync();

        var keys = (await GetJsonAsync(client, "/login/.well-known/jwks")).GetProperty("keys");

        keys.GetArrayLength().ShouldBe(1);
        var key = keys[0];
        key.GetProperty("kid").GetString().ShouldBe(client.Emulator.Applications.SigningKey.KeyId);
        key.GetProperty("kty").GetString().ShouldBe("RSA");
        key.GetProperty("use").GetString().ShouldBe("sig");
        key.GetProperty("alg").GetString().ShouldBe("RS256");
        var modulus = client.Emulator.Applications.SigningKey.Rsa.ExportParameters(false).Modulus!;
        key.GetProperty("n").GetString().ShouldBe(Base64UrlEncoder.Encode(modulus));
        key.GetProperty("e").GetString().ShouldBe("AQAB");
        key.EnumerateObject().Select(p => p.Name).ShouldBe(["kid", "kty", "use", "alg", "n", "e"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_code_flow_with_PKCE_gives_an_id_token_that_validates_against_the_published_keys_and_carries_SuperOffices_claims()
    {
        await using var client = await SuperIdClient.StartAsync();

        var code = await client.SignInForCodeAsync("demo", "demo");
        using var response = await client.RedeemAsync(code);
        var tokens = await SuperIdClient.JsonOf(response);
        var validation = await client.ValidateAsync(tokens.GetProperty("id_token").GetString()!);

        validation.IsValid.ShouldBeTrue(validation.Exception?.ToString());
        var claims = validation.Claims;
        claims["nonce"].ShouldBe(client.Nonce);
        claims["sub"].ShouldBe("demo");
        claims[SuperOfficeClaims.ContextIdentifier].ShouldBe("Cust12345");
        claims[SuperOfficeClaims.AssociateId].ShouldBe("101");
        claims[SuperOfficeClaims.NetServerUrl].ShouldBe(client.Issuer + "/Cust12345/Remote/Services88/");
        claims[SuperOfficeClaims.WebApiUrl].ShouldBe(client.Issuer + "/Cust12345/api/");
        claims[SuperOfficeClaims.IsAdministrator].ShouldBe("True");
        claims[SuperOfficeClaims.Email].ShouldBe("demo@relay-demo.example");
        claims[SuperOfficeClaims.Upn].ShouldBe("demo");
        claims.ShouldNotContainKey(SuperOfficeClaims.SystemToken);
        client.Emulator.Store.UseTicket((string)claims[SuperOfficeClaims.Ticket])!.AssociateId.ShouldBe(101, "the ticket is a live NetServer ticket of the user");
        ((JsonWebToken)validation.SecurityToken).Kid.ShouldBe(client.Emulator.Applications.SigningKey.KeyId);
        tokens.GetProperty("access_token").GetString()!.ShouldStartWith("8A:Cust12345.");
        tokens.GetProperty("token_type").GetString().ShouldBe("Bearer");
        tokens.GetProperty("expires_in").GetInt32().ShouldBe(3600);
    }

    [Fact]
    public async Task A_refresh_token_redeemed_with_HTTP_Basic_gives_a_new_id_token_with_a_fresh_ticket()
    {
        await using var client = await SuperIdClient.StartAsync();
        using var first = await client.RedeemAsync(await client.SignInForCodeAsync(), basic: true);
        var tokens = await SuperIdClient.JsonOf(first);

        using var refreshed = await client.TokenRequestAsync(
            new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()! }, basic: true);
        var validation = await client.ValidateAsync((await SuperIdClient.JsonOf(refreshed)).GetProperty("id_token").GetString()!);

        validation.IsValid.ShouldBeTrue(validation.Exception?.ToString());
        validation.Claims[SuperOfficeClaims.AssociateId].ShouldBe("101");
        var firstTicket = new JsonWebToken(tokens.GetProperty("id_token").GetString()).GetClaim(SuperOfficeClaims.Ticket).Value;
        validation.Claims[SuperOfficeClaims.Ticket].ShouldNotBe(firstTicket);
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_refused()
    {
        await using var client = await SuperIdClient.StartAsync();
        var code = await client.SignInForCodeAsync();

        using var response = await client.RedeemAsync(code, verifier: Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));

        await ShouldBeTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task A_code_is_redeemed_only_once()
    {
        await using var client = await SuperIdClient.StartAsync();
        var code = await client.SignInForCodeAsync();
        using var first = await client.RedeemAsync(code);
        await SuperIdClient.JsonOf(first);

        using var again = await client.RedeemAsync(code);

        await ShouldBeTokenErrorAsync(again, "invalid_grant");
    }

    [Fact]
    public async Task A_code_older_than_two_minutes_is_refused()
    {
        var time = new ManualTime();
        await using var client = await SuperIdClient.StartAsync(time: time);
        var code = await client.SignInForCodeAsync();

        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        using var response = await client.RedeemAsync(code);

        await ShouldBeTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused_at_the_token_endpoint()
    {
        await using var client = await SuperIdClient.StartAsync();
        var code = await client.SignInForCodeAsync();

        using var response = await client.Http.PostAsync("/login/common/oauth/tokens", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = SuperIdClient.RedirectUri,
            ["code_verifier"] = client.Verifier,
            ["client_id"] = client.Application.ClientId,
            ["client_secret"] = "not-the-secret",
        }));

        await ShouldBeTokenErrorAsync(response, "invalid_client");
    }

    [Theory]
    [InlineData("https://evil.example/signin-superid")]
    [InlineData(SuperIdClient.RedirectUri + "/")]
    public async Task An_unregistered_redirect_uri_gets_a_400_page_and_no_redirect(string redirectUri)
    {
        await using var client = await SuperIdClient.StartAsync();

        using var response = await client.Http.GetAsync(client.AuthorizeUrl(new Dictionary<string, string?> { ["redirect_uri"] = redirectUri }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Location.ShouldBeNull();
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("superid-signin");
    }

    [Fact]
    public async Task An_unknown_client_gets_a_400_page_and_no_redirect()
    {
        await using var client = await SuperIdClient.StartAsync();

        using var response = await client.Http.GetAsync(client.AuthorizeUrl(new Dictionary<string, string?> { ["client_id"] = "nobody" }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Location.ShouldBeNull();
    }

    [Fact]
    public async Task A_request_without_PKCE_goes_back_to_the_client_as_invalid_request()
    {
        await using var client = await SuperIdClient.StartAsync();

        using var response = await client.Http.GetAsync(client.AuthorizeUrl(new Dictionary<string, string?> { ["code_challenge"] = null, ["code_challenge_method"] = null }));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var query = QueryHelpers.ParseQuery(response.Headers.Location!.Query);
        query["error"].ToString().ShouldBe("invalid_request");
        query["state"].ToString().ShouldBe(client.State);
        query.ShouldNotContainKey("code");
    }

    [Fact]
    public async Task A_wrong_password_shows_the_form_again_with_an_error()
    {
        await using var client = await SuperIdClient.StartAsync();
        var page = await client.SignInPageAsync();

        using var response = await client.SubmitAsync(page, "demo", "wrong");

        await ShouldBeTheFormAgainAsync(response, "Wrong user name or password.");
    }

    [Fact]
    public async Task Response_mode_form_post_answers_with_a_self_submitting_form_to_the_redirect_uri()
    {
        await using var client = await SuperIdClient.StartAsync();
        var page = await client.SignInPageAsync(new Dictionary<string, string?> { ["response_mode"] = "form_post" });

        using var response = await client.SubmitAsync(page, "demo", "demo");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain($"action=\"{SuperIdClient.RedirectUri}\"");
        html.ShouldContain($"name=\"state\" value=\"{client.State}\"");
        html.ShouldContain("name=\"code\" value=\"");
        html.ShouldContain("<script>");
        html.ShouldContain("<button type=\"submit\">");
    }

    [Fact]
    public async Task An_administrator_who_approves_gets_a_system_token_the_emulator_remembers_for_the_application_and_tenant()
    {
        await using var client = await SuperIdClient.StartAsync();

        var validation = await client.ValidateAsync(await client.IdTokenAsync("demo", "demo", consent: true, approve: true));

        validation.IsValid.ShouldBeTrue(validation.Exception?.ToString());
        var systemToken = (string)validation.Claims[SuperOfficeClaims.SystemToken];
        systemToken.ShouldStartWith("SysTok-");
        client.Emulator.Applications.IsSystemToken(client.Application.ClientId, "Cust12345", systemToken).ShouldBeTrue();
        client.Emulator.Applications.IsSystemToken("another-app", "Cust12345", systemToken).ShouldBeFalse();
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_cannot_approve()
    {
        await using var client = await SuperIdClient.StartAsync();
        var page = await client.SignInPageAsync(new Dictionary<string, string?> { ["prompt"] = "consent" });
        page.ShouldContain($"Allow {client.Application.ClientId} to act for Cust12345 (system user)");

        using var response = await client.SubmitAsync(page, "anna", "anna", approve: true);

        await ShouldBeTheFormAgainAsync(response, "anna is not an administrator of Cust12345");
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_signs_in_as_themselves_without_a_system_token()
    {
        await using var client = await SuperIdClient.StartAsync();

        var validation = await client.ValidateAsync(await client.IdTokenAsync("anna", "anna"));

        validation.IsValid.ShouldBeTrue(validation.Exception?.ToString());
        validation.Claims[SuperOfficeClaims.AssociateId].ShouldBe("102");
        validation.Claims[SuperOfficeClaims.IsAdministrator].ShouldBe("False");
        validation.Claims.ShouldNotContainKey(SuperOfficeClaims.SystemToken);
    }

    [Fact]
    public async Task An_id_token_signed_with_the_override_key_fails_validation_against_the_JWKS()
    {
        await using var client = await SuperIdClient.StartAsync();
        var applications = client.Emulator.Applications;
        applications.TokenSigningOverride = new RsaSecurityKey(RSA.Create(2048)) { KeyId = applications.SigningKey.KeyId };

        var validation = await client.ValidateAsync(await client.IdTokenAsync());

        validation.IsValid.ShouldBeFalse();
        validation.Exception.ShouldBeOfType<SecurityTokenInvalidSignatureException>();
    }

    [Fact]
    public async Task TamperClaims_changes_the_signed_id_tokens_claims()
    {
        await using var client = await SuperIdClient.StartAsync();
        client.Emulator.Applications.TamperClaims = claims => claims["nonce"] = "someone-elses-nonce";

        var validation = await client.ValidateAsync(await client.IdTokenAsync());

        validation.IsValid.ShouldBeTrue("the signature is SuperID's own");
        validation.Claims["nonce"].ShouldBe("someone-elses-nonce");
    }

    [Fact]
    public async Task A_hostile_client_id_and_state_are_HTML_encoded_in_the_pages()
    {
        const string Hostile = "\"><script>alert('x')</script>";
        await using var client = await SuperIdClient.StartAsync(clientId: "app" + Hostile);

        var page = await client.SignInPageAsync(new Dictionary<string, string?> { ["state"] = Hostile, ["prompt"] = "consent" });
        using var refused = await client.Http.GetAsync(client.AuthorizeUrl(new Dictionary<string, string?> { ["client_id"] = "other" + Hostile }));
        var refusal = await refused.Content.ReadAsStringAsync();

        foreach (var html in new[] { page, refusal })
        {
            html.ShouldNotContain("<script>alert");
            html.ShouldContain("&lt;script&gt;alert(");
        }

        using var signedIn = await client.SubmitAsync(page, "demo", "demo");
        QueryHelpers.ParseQuery(signedIn.Headers.Location!.Query)["state"].ToString().ShouldBe(Hostile, "the form carried the state through unchanged");
    }

    [Fact]
    public async Task The_tenants_own_authorize_path_signs_in_and_another_tenants_is_refused()
    {
        await using var client = await SuperIdClient.StartAsync();

        using var own = await client.Http.GetAsync(client.AuthorizeUrl(context: "Cust12345"));
        using var other = await client.Http.GetAsync(client.AuthorizeUrl(context: "Cust99999"));

        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await own.Content.ReadAsStringAsync()).ShouldContain("action=\"/login/Cust12345/oauth/authorize\"");
        other.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static async Task<JsonElement> GetJsonAsync(SuperIdClient client, string path)
    {
        using var response = await client.Http.GetAsync(path);
        return await SuperIdClient.JsonOf(response);
    }

    private static string[] Strings(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];

    private static async Task ShouldBeTheFormAgainAsync(HttpResponseMessage response, string error)
    {
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        response.Headers.Location.ShouldBeNull();
        html.ShouldContain("id=\"superid-signin\"");
        html.ShouldContain(error);
    }

    private static async Task ShouldBeTokenErrorAsync(HttpResponseMessage response, string error)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        JsonDocument.Parse(body).RootElement.GetProperty("error").GetString().ShouldBe(error);
    }
}
