using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Online;

namespace Relay.NetServer.Tests;

/// <summary>
/// A relying party of the emulator's SuperID, doing what an OpenID Connect client does over HTTP: PKCE, the authorize
/// request, posting the sign-in form, redeeming the code, and validating the id_token against the discovery document's keys.
/// </summary>
internal sealed partial class SuperIdClient : IAsyncDisposable
{
    public const string RedirectUri = "https://relay.example/signin-superid";

    private SuperIdClient(RunningEmulator emulator, OnlineApplication application)
    {
        Emulator = emulator;
        Application = application;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = emulator.BaseUrl };
        Verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
    }

    public RunningEmulator Emulator { get; }

    public OnlineApplication Application { get; }

    public HttpClient Http { get; }

    public string Verifier { get; }

    public string Challenge => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public string State { get; } = "state-" + Guid.NewGuid().ToString("N");

    public string Nonce { get; } = "nonce-" + Guid.NewGuid().ToString("N");

    /// <summary>The issuer as the emulator's base URL, without a trailing slash.</summary>
    public string Issuer => Emulator.BaseUrl.ToString().TrimEnd('/');

    /// <summary>Starts an emulator (its own port and data) and registers an application with a unique client id.</summary>
    public static async Task<SuperIdClient> StartAsync(string? clientId = null, TimeProvider? time = null)
    {
        var emulator = await EmulatorHost.StartAsync(configure: (_, options) => options.WsdlFolder = EmulatorSession.NoWsdlFolder.Value, time: time);
        var application = new OnlineApplication(
            clientId ?? "relay-" + Guid.NewGuid().ToString("N")[..8], "secret-" + Guid.NewGuid().ToString("N"), "unused-public-key", [RedirectUri]);
        emulator.Applications.Register(application);
        return new SuperIdClient(emulator, application);
    }

    /// <summary>The authorize URL with this client's parameters; any of them can be replaced (null leaves a parameter out).</summary>
    public string AuthorizeUrl(IReadOnlyDictionary<string, string?>? replace = null, string context = "common")
    {
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = Application.ClientId,
            ["redirect_uri"] = RedirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid",
            ["state"] = State,
            ["nonce"] = Nonce,
            ["code_challenge"] = Challenge,
            ["code_challenge_method"] = "S256",
        };
        foreach (var (name, value) in replace ?? new Dictionary<string, string?>())
        {
            parameters[name] = value;
        }

        return QueryHelpers.AddQueryString($"/login/{context}/oauth/authorize", parameters.Where(p => p.Value is not null));
    }

    /// <summary>GETs the authorize URL and returns the sign-in page (failing unless it is one).</summary>
    public async Task<string> SignInPageAsync(IReadOnlyDictionary<string, string?>? replace = null)
    {
        using var page = await Http.GetAsync(AuthorizeUrl(replace));
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("id=\"superid-signin\"");
        return html;
    }

    /// <summary>Fills the page's sign-in form as a browser would (its hidden fields kept) and submits it.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string signInPage, string userName, string password, bool approve = false)
    {
        var form = FormTag().Match(signInPage);
        form.Success.ShouldBeTrue("the page has the sign-in form");
        var fields = HiddenInput().Matches(form.Groups["body"].Value)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .Append(KeyValuePair.Create("username", userName))
            .Append(KeyValuePair.Create("password", password))
            .ToList();
        if (approve)
        {
            signInPage.ShouldContain("name=\"approve\"");
            fields.Add(KeyValuePair.Create("approve", "true"));
        }

        using var content = new FormUrlEncodedContent(fields);
        return await Http.PostAsync(WebUtility.HtmlDecode(form.Groups["action"].Value), content);
    }

    /// <summary>Signs in through the form and returns the code from the redirect, after checking the redirect's target and state.</summary>
    public async Task<string> SignInForCodeAsync(string userName = "demo", string password = "demo", bool consent = false, bool approve = false)
    {
        var page = await SignInPageAsync(consent ? new Dictionary<string, string?> { ["prompt"] = "consent" } : null);
        using var answer = await SubmitAsync(page, userName, password, approve);
        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect, await answer.Content.ReadAsStringAsync());
        var location = answer.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).ShouldBe(RedirectUri);
        var query = QueryHelpers.ParseQuery(location.Query);
        query["state"].ToString().ShouldBe(State);
        return query["code"].ToString();
    }

    /// <summary>Redeems a code at the token endpoint, the client's secret in the form or as HTTP Basic.</summary>
    public Task<HttpResponseMessage> RedeemAsync(string code, string? verifier = null, bool basic = false) =>
        TokenRequestAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier ?? Verifier,
        }, basic);

    /// <summary>POSTs to the token endpoint with the client's credentials added.</summary>
    public async Task<HttpResponseMessage> TokenRequestAsync(Dictionary<string, string> fields, bool basic = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login/common/oauth/tokens");
        if (basic)
        {
            var pair = $"{Uri.EscapeDataString(Application.ClientId)}:{Uri.EscapeDataString(Application.ClientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            fields["client_id"] = Application.ClientId;
            fields["client_secret"] = Application.ClientSecret;
        }

        request.Content = new FormUrlEncodedContent(fields);
        return await Http.SendAsync(request);
    }

    /// <summary>A JSON answer (token endpoint, discovery, JWKS), failing unless it is a 200.</summary>
    public static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The whole code flow for a user: the id_token's raw string.</summary>
    public async Task<string> IdTokenAsync(string userName = "demo", string password = "demo", bool consent = false, bool approve = false)
    {
        var code = await SignInForCodeAsync(userName, password, consent, approve);
        using var response = await RedeemAsync(code);
        return (await JsonOf(response)).GetProperty("id_token").GetString()!;
    }

    /// <summary>Validates an id_token as a relying party does: keys from the JWKS named by the discovery document, issuer, audience, lifetime.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string idToken)
    {
        var metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            new Uri(Emulator.BaseUrl, "/login/.well-known/openid-configuration").ToString(),
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(Http) { RequireHttps = false });
        var configuration = await metadata.GetConfigurationAsync(CancellationToken.None);
        return await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = Application.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidateLifetime = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    [GeneratedRegex("<form id=\"superid-signin\" method=\"post\" action=\"(?<action>[^\"]*)\">(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormTag();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();
}
