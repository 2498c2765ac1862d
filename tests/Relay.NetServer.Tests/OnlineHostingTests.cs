using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using System.Xml.Schema;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Online;

namespace Relay.NetServer.Tests;

/// <summary>The emulator as SuperOffice Online hosts a tenant: numbered hosts, /api/state, 421/503 and the system-user service, over real HTTP.</summary>
public sealed class OnlineHostingTests
{
    private const string Ns75 = "http://www.superoffice.net/ws/crm/NetServer/Services75";
    private const string SystemUserNs = PartnerSystemUserService.Namespace;
    private static readonly XNamespace Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";

    [Fact]
    public async Task Api_state_names_the_current_numbered_host_and_whether_the_tenant_runs()
    {
        await using var online = await OnlineEmulator.StartAsync();
        var emulator = online.Emulator;
        using var http = new HttpClient();

        var json = await http.GetStringAsync(new Uri(emulator.BaseUrl, "api/state/Cust12345"));

        var state = JsonDocument.Parse(json).RootElement;
        var host = emulator.OnlineHosts[0].GetLeftPart(UriPartial.Authority);
        state.GetProperty("ContextIdentifier").GetString().ShouldBe("Cust12345");
        state.GetProperty("Endpoint").GetString().ShouldBe($"{host}/Cust12345");
        state.GetProperty("State").GetString().ShouldBe("Running");
        state.GetProperty("IsRunning").GetBoolean().ShouldBeTrue();
        state.GetProperty("Api").GetString().ShouldBe($"{host}/Cust12345/api");
        var validUntil = state.GetProperty("ValidUntil").GetDateTimeOffset();
        (validUntil - DateTimeOffset.UtcNow).ShouldBeInRange(TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(65));

        emulator.Online.Move(1);
        emulator.Online.SetState("OfflineMaintenance");
        state = JsonDocument.Parse(await http.GetStringAsync(new Uri(emulator.BaseUrl, "api/state/Cust12345"))).RootElement;
        state.GetProperty("Endpoint").GetString().ShouldBe($"{emulator.OnlineHosts[1].GetLeftPart(UriPartial.Authority)}/Cust12345");
        state.GetProperty("State").GetString().ShouldBe("OfflineMaintenance");
        state.GetProperty("IsRunning").GetBoolean().ShouldBeFalse();

        (await http.GetAsync(new Uri(emulator.BaseUrl, "api/state/Cust99999"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_numbered_hosts_are_distinct_ports_besides_the_base_address()
    {
        await using var emulator = await EmulatorHost.StartAsync(onlineHosts: 3);

        emulator.OnlineHosts.Count.ShouldBe(3);
        emulator.OnlineHosts.Select(h => h.Port).Append(emulator.BaseUrl.Port).Distinct().Count().ShouldBe(4);
        emulator.Online.AuthorityHost.ShouldBe(emulator.BaseUrl);
    }

    [Fact]
    public async Task The_current_host_serves_the_tenant_and_another_host_answers_421_also_after_a_move()
    {
        await using var online = await OnlineEmulator.StartAsync();
        var emulator = online.Emulator;

        var (status, text) = await online.LoginAsync(emulator.OnlineHosts[0]);
        status.ShouldBe(HttpStatusCode.OK);
        Succeeded(text).ShouldBeTrue();

        (status, text) = await online.LoginAsync(emulator.OnlineHosts[1]);
        status.ShouldBe(HttpStatusCode.MisdirectedRequest);
        text.ShouldBe("Wrong subdomain used to access tenant");

        using var http = new HttpClient();
        using var move = await http.PostAsJsonAsync(new Uri(emulator.BaseUrl, "admin/online/move"), new { host = 1 });
        move.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await online.LoginAsync(emulator.OnlineHosts[0])).Status.ShouldBe(HttpStatusCode.MisdirectedRequest);
        (await online.LoginAsync(emulator.OnlineHosts[1])).Status.ShouldBe(HttpStatusCode.OK);
        var view = JsonDocument.Parse(await http.GetStringAsync(new Uri(emulator.BaseUrl, "admin/online"))).RootElement;
        view.GetProperty("currentHost").GetInt32().ShouldBe(1);
        view.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()).ShouldBe(emulator.OnlineHosts.Select(h => h.GetLeftPart(UriPartial.Authority)));
    }

    [Fact]
    public async Task On_the_base_address_an_Online_client_hears_421_while_an_onsite_call_is_served_as_before()
    {
        await using var online = await OnlineEmulator.StartAsync();

        (await online.LoginAsync(online.Emulator.BaseUrl)).Status.ShouldBe(HttpStatusCode.MisdirectedRequest);

        var (status, text) = await online.LoginAsync(online.Emulator.BaseUrl, applicationToken: "an-onsite-token");
        status.ShouldBe(HttpStatusCode.OK);
        Succeeded(text).ShouldBeTrue();
    }

    [Fact]
    public async Task While_the_tenant_is_not_running_its_host_answers_503_and_serves_again_once_it_runs()
    {
        await using var online = await OnlineEmulator.StartAsync();
        var emulator = online.Emulator;
        using var http = new HttpClient();

        using (var stop = await http.PostAsJsonAsync(new Uri(emulator.BaseUrl, "admin/online/state"), new { state = "OfflineMaintenance" }))
        {
            stop.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await online.LoginAsync(emulator.OnlineHosts[0])).Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await online.LoginAsync(emulator.OnlineHosts[1])).Status.ShouldBe(HttpStatusCode.MisdirectedRequest, "the wrong host says so first");

        using (var start = await http.PostAsJsonAsync(new Uri(emulator.BaseUrl, "admin/online/state"), new { state = "Running" }))
        {
            start.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await online.LoginAsync(emulator.OnlineHosts[0])).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_Online_call_without_a_registered_application_token_is_refused_with_ApplicationTokenRequired()
    {
        await using var online = await OnlineEmulator.StartAsync();

        var (status, text) = await online.LoginAsync(online.Emulator.OnlineHosts[0], applicationToken: "not-registered");

        status.ShouldBe(HttpStatusCode.OK);
        Succeeded(text).ShouldBeFalse();
        XElement.Parse(text).Descendants(XName.Get("ExceptionType", Ns75)).Single().Value.ShouldBe("ApplicationTokenRequired");
        online.Emulator.Store.Read(s => s.Tickets.Count).ShouldBe(1, "only the seeded ticket: no login happened");
    }

    [Fact]
    public async Task A_correctly_signed_system_token_gets_a_JWT_signed_with_SuperIDs_published_key()
    {
        await using var online = await OnlineEmulator.StartAsync();
        var emulator = online.Emulator;
        emulator.Online.Move(1);
        var systemToken = emulator.Applications.IssueSystemToken(OnlineEmulator.ClientId, "Cust12345");

        var response = await online.AuthenticateSystemUserAsync(online.Sign(systemToken, DateTimeOffset.UtcNow));

        response.ErrorMessage.ShouldBeNull();
        response.IsSuccessful.ShouldBeTrue();
        var published = new RsaSecurityKey(emulator.Applications.SigningKey.Rsa.ExportParameters(false)) { KeyId = emulator.Applications.SigningKey.KeyId };
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(response.Token.ShouldNotBeNull(), new TokenValidationParameters
        {
            ValidIssuer = emulator.BaseUrl.GetLeftPart(UriPartial.Authority),
            ValidAudience = "spn:" + OnlineEmulator.ClientId,
            IssuerSigningKey = published,
        });
        validation.IsValid.ShouldBeTrue(validation.Exception?.Message);
        var jwt = (JsonWebToken)validation.SecurityToken;
        jwt.Kid.ShouldBe(published.KeyId);
        var host = emulator.OnlineHosts[1].GetLeftPart(UriPartial.Authority);
        jwt.GetClaim(OnlineClaimTypes.NetServerUrl).Value.ShouldBe($"{host}/Cust12345/Remote/Services88/");
        jwt.GetClaim(OnlineClaimTypes.WebApiUrl).Value.ShouldBe($"{host}/Cust12345/api/");
        jwt.GetClaim(OnlineClaimTypes.ContextIdentifier).Value.ShouldBe("Cust12345");
        jwt.GetClaim(OnlineClaimTypes.AssociateId).Value.ShouldBe("105");
        (jwt.ValidTo - DateTime.UtcNow).ShouldBeInRange(TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(65));
        var ticket = jwt.GetClaim(OnlineClaimTypes.Ticket).Value;
        ticket.ShouldStartWith("7T:");
        emulator.Store.UseTicket(ticket).ShouldNotBeNull().UserName.ShouldBe("system");
        emulator.Requests.Snapshot().ShouldContain(r => r.Agent == "PartnerSystemUser" && r.Outcome == "ok");
    }

    [Fact]
    public async Task The_system_user_JWT_passes_through_the_claim_tampering_hook()
    {
        await using var online = await OnlineEmulator.StartAsync();
        var emulator = online.Emulator;
        emulator.Applications.TamperClaims = claims => claims[OnlineClaimTypes.ContextIdentifier] = "Cust99999";
        var systemToken = emulator.Applications.IssueSystemToken(OnlineEmulator.ClientId, "Cust12345");

        var response = await online.AuthenticateSystemUserAsync(online.Sign(systemToken, DateTimeOffset.UtcNow));

        new JsonWebToken(response.Token.ShouldNotBeNull()).GetClaim(OnlineClaimTypes.ContextIdentifier).Value.ShouldBe("Cust99999");
    }

    /// <summary>Ways a system-user request goes wrong.</summary>
    public enum Refusal
    {
        SignedWithAnotherKey,
        SignedSixMinutesAgo,
        SystemTokenNeverIssued,
        SystemTokenOfAnotherApplication,
        UnregisteredApplicationToken,
    }

    [Theory]
    [InlineData(Refusal.SignedWithAnotherKey, "signature")]
    [InlineData(Refusal.SignedSixMinutesAgo, "timestamp")]
    [InlineData(Refusal.SystemTokenNeverIssued, "not issued")]
    [InlineData(Refusal.SystemTokenOfAnotherApplication, "not issued")]
    [InlineData(Refusal.UnregisteredApplicationToken, "application token")]
    public async Task The_system_user_service_refuses_a_bad_request_without_a_ticket_and_says_why(Refusal refusal, string reason)
    {
        await using var online = await OnlineEmulator.StartAsync();
        var owner = refusal == Refusal.SystemTokenOfAnotherApplication ? "another-client" : OnlineEmulator.ClientId;
        var systemToken = online.Emulator.Applications.IssueSystemToken(owner, "Cust12345");
        using var forger = RSA.Create(2048);
        var now = DateTimeOffset.UtcNow;
        var signed = refusal switch
        {
            Refusal.SignedWithAnotherKey => OnlineEmulator.Sign(forger, systemToken, now),
            Refusal.SignedSixMinutesAgo => online.Sign(systemToken, now.AddMinutes(-6)),
            Refusal.SystemTokenNeverIssued => online.Sign("SysTok-NEVER-ISSUED", now),
            _ => online.Sign(systemToken, now),
        };
        var applicationToken = refusal == Refusal.UnregisteredApplicationToken ? "someone-elses-secret" : OnlineEmulator.ClientSecret;

        var response = await online.AuthenticateSystemUserAsync(signed, applicationToken);

        response.IsSuccessful.ShouldBeFalse();
        response.Token.ShouldBeNull();
        response.ErrorMessage.ShouldNotBeNull().ShouldContain(reason);
        online.Emulator.Store.Read(s => s.Tickets.Count).ShouldBe(1, "only the seeded ticket: no system-user ticket was issued");
    }

    [Fact]
    public async Task The_system_user_service_request_and_response_validate_against_SuperOffices_WSDL()
    {
        var wsdl = XElement.Load(Path.Combine(SharedWsdl.Folder, "PartnerSystemUserService.wsdl"));
        XNamespace soap = "http://schemas.xmlsoap.org/wsdl/soap/";
        wsdl.Descendants(soap + "operation").Select(o => (string?)o.Attribute("soapAction")).Distinct().ShouldBe([PartnerSystemUserService.AuthenticateAction]);
        var schemas = new XmlSchemaSet();
        foreach (var schema in wsdl.Descendants(XName.Get("schema", XmlSchema.Namespace)))
        {
            using var reader = schema.CreateReader();
            schemas.Add(XmlSchema.Read(reader, null)!);
        }

        schemas.Compile();
        await using var online = await OnlineEmulator.StartAsync();
        var systemToken = online.Emulator.Applications.IssueSystemToken(OnlineEmulator.ClientId, "Cust12345");

        var envelope = OnlineEmulator.SystemUserEnvelope(OnlineEmulator.ClientSecret, online.Sign(systemToken, DateTimeOffset.UtcNow));
        var (_, text) = await online.PostSystemUserAsync(envelope);

        var request = XElement.Parse(envelope);
        Validate(schemas, request.Descendants(XName.Get("AuthenticationRequest", SystemUserNs)).Single());
        Validate(schemas, request.Descendants(XName.Get("ApplicationToken", SystemUserNs)).Single());
        Validate(schemas, request.Descendants(XName.Get("ContextIdentifier", SystemUserNs)).Single());
        Validate(schemas, XElement.Parse(text).Element(Soap11 + "Body")!.Elements().Single());
    }

    private static bool Succeeded(string response) => XElement.Parse(response).Descendants(XName.Get("Succeeded", Ns75)).Single().Value == "true";

    private static void Validate(XmlSchemaSet schemas, XElement element)
    {
        var problems = new List<string>();
        new XDocument(new XElement(element)).Validate(schemas, (_, e) => problems.Add(e.Message));
        problems.ShouldBeEmpty();
    }

    /// <summary>An emulator with one registered application and its key pair.</summary>
    private sealed class OnlineEmulator : IAsyncDisposable
    {
        public const string ClientId = "relay-test-client";
        public const string ClientSecret = "relay-test-secret";

        private readonly RSA _key = RSA.Create(2048);

        private OnlineEmulator(RunningEmulator emulator)
        {
            Emulator = emulator;
            Emulator.Applications.Register(new OnlineApplication(ClientId, ClientSecret, _key.ExportSubjectPublicKeyInfoPem(), ["https://relay.example/signin"]));
        }

        public RunningEmulator Emulator { get; }

        public static async Task<OnlineEmulator> StartAsync() =>
            new(await EmulatorHost.StartAsync(configure: (_, options) => options.WsdlFolder = SharedWsdl.Folder));

        public string Sign(string systemToken, DateTimeOffset at) => Sign(_key, systemToken, at);

        public static string Sign(RSA key, string systemToken, DateTimeOffset at)
        {
            var signed = $"{systemToken}.{at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";
            return $"{signed}.{Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}";
        }

        /// <summary>Logs the demo user in at <c>{host}/Cust12345/Remote/Services75/SoPrincipal.svc</c>, as an Online client would.</summary>
        public Task<(HttpStatusCode Status, string Text)> LoginAsync(Uri host, string applicationToken = ClientSecret) => PostAsync(
            new Uri(host, "Cust12345/Remote/Services75/SoPrincipal.svc"),
            $"{Ns75}/SoPrincipal/AuthenticateUsernamePassword",
            $"""
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header><ApplicationToken xmlns="{Ns75}">{applicationToken}</ApplicationToken></s:Header>
              <s:Body><AuthenticateUsernamePassword xmlns="{Ns75}"><UserName>{DemoSeed.UserName}</UserName><Password>{DemoSeed.Password}</Password></AuthenticateUsernamePassword></s:Body>
            </s:Envelope>
            """);

        public static string SystemUserEnvelope(string applicationToken, string signedSystemToken) => $"""
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header>
                <ApplicationToken xmlns="{SystemUserNs}">{applicationToken}</ApplicationToken>
                <ContextIdentifier xmlns="{SystemUserNs}">Cust12345</ContextIdentifier>
              </s:Header>
              <s:Body>
                <AuthenticationRequest xmlns="{SystemUserNs}"><SignedSystemToken>{signedSystemToken}</SignedSystemToken><ReturnTokenType>Jwt</ReturnTokenType></AuthenticationRequest>
              </s:Body>
            </s:Envelope>
            """;

        public Task<(HttpStatusCode Status, string Text)> PostSystemUserAsync(string envelope) =>
            PostAsync(new Uri(Emulator.BaseUrl, "login/Services/PartnerSystemUserService.svc"), PartnerSystemUserService.AuthenticateAction, envelope);

        public async Task<(bool IsSuccessful, string? Token, string? ErrorMessage)> AuthenticateSystemUserAsync(string signedSystemToken, string applicationToken = ClientSecret)
        {
            var (status, text) = await PostSystemUserAsync(SystemUserEnvelope(applicationToken, signedSystemToken));
            status.ShouldBe(HttpStatusCode.OK, text);
            var response = XElement.Parse(text).Descendants(XName.Get("AuthenticationResponse", SystemUserNs)).Single();
            string? Member(string name) => response.Element(XName.Get(name, SystemUserNs)) is { } e && e.Attribute(XName.Get("nil", XmlSchema.InstanceNamespace)) is null ? e.Value : null;
            return (Member("IsSuccessful") == "true", Member("Token"), Member("ErrorMessage"));
        }

        private static async Task<(HttpStatusCode Status, string Text)> PostAsync(Uri url, string action, string envelope)
        {
            using var http = new HttpClient();
            using var content = new StringContent(envelope, Encoding.UTF8, "text/xml");
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            request.Headers.TryAddWithoutValidation("SOAPAction", $"\"{action}\"");
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async ValueTask DisposeAsync()
        {
            _key.Dispose();
            await Emulator.DisposeAsync();
        }
    }
}
