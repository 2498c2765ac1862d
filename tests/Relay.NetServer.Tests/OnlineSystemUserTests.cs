using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Crm.Online;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Online;

namespace Relay.NetServer.Tests;

/// <summary>An Online tenant through the adapter: the system user signs in, the tenant's state names the host, a move is followed, a pause waits.</summary>
public sealed class OnlineSystemUserTests
{
    [Fact]
    public async Task A_call_through_the_system_user_reaches_the_current_host_with_the_application_token_and_the_system_users_ticket()
    {
        await using var online = await OnlineSession.StartAsync();

        var matches = await online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]);

        matches.ShouldNotBeEmpty();
        var call = online.Emulator.Requests.Snapshot().Single(r => r.Operation == "FindAddress");
        call.Path.ShouldBe("/Cust12345/Remote/Services88/EMail.svc");
        call.RequestEnvelope.ShouldContain($">{OnlineSession.ClientSecret}</ApplicationToken>");
        var ticket = online.SystemTickets().ShouldHaveSingleItem();
        call.RequestEnvelope.ShouldContain($">{ticket}</Ticket>");
        online.Emulator.Requests.Snapshot().ShouldNotContain(r => r.Operation == "AuthenticateUsernamePassword");
    }

    [Fact]
    public async Task A_system_user_ticket_expired_mid_run_is_renewed_once_and_the_call_succeeds()
    {
        await using var online = await OnlineSession.StartAsync();
        await online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]);

        online.Store.ExpireTickets();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0])));

        online.SystemTickets().Count.ShouldBe(2);
        online.Emulator.Requests.Snapshot().Count(r => r.Operation == "FindAddress" && r.Outcome == "ok").ShouldBe(6);
    }

    [Fact]
    public async Task A_system_user_token_signed_with_another_private_key_is_refused_for_good()
    {
        using var otherKey = RSA.Create(2048);
        await using var online = await OnlineSession.StartAsync(o => o.PrivateKey = otherKey.ExportRSAPrivateKeyPem());

        var refused = await Should.ThrowAsync<CrmException>(() => online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]));

        refused.ErrorType.ShouldBe(OnlineErrors.SystemUserRefused);
        refused.Kind.ShouldBe(CrmErrorKind.Permanent);
        refused.RetryAfter.ShouldBeNull();
        online.SystemTickets().ShouldBeEmpty();
        online.Emulator.Requests.Snapshot().ShouldNotContain(r => r.Operation == "FindAddress");
    }

    [Fact]
    public async Task A_system_user_jwt_signed_with_a_key_superid_does_not_publish_is_refused()
    {
        await using var online = await OnlineSession.StartAsync();
        online.Emulator.Applications.TokenSigningOverride = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "not-superid" };

        var refused = await Should.ThrowAsync<CrmException>(() => online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]));

        refused.ErrorType.ShouldBe(OnlineErrors.SystemUserTokenInvalid);
        refused.Kind.ShouldBe(CrmErrorKind.Permanent);
        online.Emulator.Requests.Snapshot().ShouldNotContain(r => r.Operation == "FindAddress");
    }

    [Fact]
    public async Task A_system_user_jwt_for_another_audience_is_refused()
    {
        await using var online = await OnlineSession.StartAsync();
        online.Emulator.Applications.TamperClaims = claims => claims["aud"] = "spn:someone-else";

        var refused = await Should.ThrowAsync<CrmException>(() => online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]));

        refused.ErrorType.ShouldBe(OnlineErrors.SystemUserTokenInvalid);
    }

    [Fact]
    public async Task Without_an_application_identity_an_online_tenant_fails_permanently_as_not_configured()
    {
        await using var online = await OnlineSession.StartAsync(o => o.ClientSecret = null);

        var refused = await Should.ThrowAsync<CrmException>(() => online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]));

        refused.ErrorType.ShouldBe(OnlineErrors.OnlineNotConfigured);
        refused.Kind.ShouldBe(CrmErrorKind.Permanent);
    }

    [Fact]
    public async Task A_tenant_moved_between_calls_is_found_at_its_new_host_and_the_write_is_made_once()
    {
        await using var online = await OnlineSession.StartAsync();
        var person = await online.Crm.GetPersonAsync(online.Connection, online.Store.Read(s => s.Persons.Values.First().PersonId));

        online.Emulator.Online.Move();
        var saleId = await online.Crm.CreateSaleAsync(online.Connection, new NewSale(person!.Ref, "After the move", 1, null, 10, null, "ref-moved", DateTimeOffset.UtcNow));

        saleId.ShouldBeGreaterThan(0);
        online.Store.Read(s => s.Sales.Count).ShouldBe(1);
        online.SystemTickets().Count.ShouldBe(1);
        (await online.Locator.GetAsync(online.Connection)).Endpoint.ShouldBe($"{online.Emulator.Online.CurrentHostUrl!.GetLeftPart(UriPartial.Authority)}/Cust12345");
    }

    [Fact]
    public async Task A_tenant_that_is_not_running_is_not_called_and_says_when_to_come_back_then_runs_again()
    {
        await using var online = await OnlineSession.StartAsync();
        await online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]);

        online.Emulator.Online.SetState("OfflineBackup");
        var paused = await Should.ThrowAsync<CrmException>(() => online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]));

        paused.ErrorType.ShouldBe(OnlineErrors.TenantNotRunning);
        paused.Kind.ShouldBe(CrmErrorKind.Transient);
        paused.RetryAfter.ShouldBe(OnlineSession.NotRunningRetryAfter);
        var pausedAgain = await Should.ThrowAsync<CrmException>(() => online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0]));
        pausedAgain.ErrorType.ShouldBe(OnlineErrors.TenantNotRunning);
        online.Emulator.Requests.Snapshot().Count(r => r.Operation == "FindAddress" && r.Outcome == "ok").ShouldBe(1);

        online.Emulator.Online.SetState("Running");
        await online.Locator.RefreshAsync(online.Connection, null);
        (await online.Crm.FindPersonsByEmailAsync(online.Connection, DemoSeed.SharedEmails[0])).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_users_ticket_on_an_online_tenant_is_checked_at_the_current_host_with_the_application_token()
    {
        await using var online = await OnlineSession.StartAsync();
        online.Emulator.Online.Move(1);

        var user = await online.Crm.ResolveUserTicketAsync(online.Connection, DemoSeed.Ticket);

        user.ShouldNotBeNull().AssociateId.ShouldBe(101);
        online.Emulator.Requests.Snapshot().Single(r => r.Operation == "AuthenticateUsernamePassword").RequestEnvelope
            .ShouldContain($">{OnlineSession.ClientSecret}</ApplicationToken>");
    }

    [Fact]
    public async Task The_state_is_cached_and_a_refresh_after_a_move_names_the_new_host()
    {
        await using var online = await OnlineSession.StartAsync();
        var before = await online.Locator.GetAsync(online.Connection);

        online.Emulator.Online.Move(1);
        (await online.Locator.GetAsync(online.Connection)).ShouldBe(before);
        var after = await online.Locator.RefreshAsync(online.Connection, before);

        before.Endpoint.ShouldBe($"{online.Emulator.OnlineHosts[0].GetLeftPart(UriPartial.Authority)}/Cust12345");
        after.Endpoint.ShouldBe($"{online.Emulator.OnlineHosts[1].GetLeftPart(UriPartial.Authority)}/Cust12345");
        after.IsRunning.ShouldBeTrue();
        after.Environment.ShouldBe(OnlineSession.Environment);
    }

    [Fact]
    public async Task The_system_users_signature_covers_the_token_and_the_minute_in_utc()
    {
        using var key = RSA.Create(2048);
        var time = new ManualTime();
        using var signIn = new SystemUserSignIn(Options.Create(new OnlineOptions()), CrmSecrets.WithoutKeyRing, new CrmAddressPolicy(), time);

        var signed = signIn.Sign("SysTok-1", key.ExportPkcs8PrivateKeyPem());

        var parts = signed.Split('.');
        parts[0].ShouldBe("SysTok-1");
        parts[1].ShouldBe("202611291000");
        key.VerifyData(System.Text.Encoding.UTF8.GetBytes("SysTok-1.202611291000"), Convert.FromBase64String(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).ShouldBeTrue();
    }

    [Fact]
    public void A_421_is_a_transient_move_even_for_a_write_never_an_uncertain_outcome()
    {
        var refused = NetServerTransport.Classify(new HttpRequestException("Misdirected", null, System.Net.HttpStatusCode.MisdirectedRequest), "Sale", "SaveSaleEntity", isWrite: true);

        refused.Kind.ShouldBe(CrmErrorKind.Transient);
        refused.ErrorType.ShouldBe(OnlineErrors.TenantMoved);
    }

    [Fact]
    public async Task A_tenant_that_keeps_moving_is_followed_twice_then_waits_briefly_without_an_attempt()
    {
        await using var online = await OnlineSession.StartAsync();
        var calls = new OnlineCalls(online.Locator, new OnlineOptions { ClientId = OnlineSession.ClientId, ClientSecret = OnlineSession.ClientSecret });
        var endpoints = new List<string>();

        var moved = await Should.ThrowAsync<CrmException>(() => calls.RunAsync<int>(
            online.Connection,
            (endpoint, token) =>
            {
                token.ShouldBe(OnlineSession.ClientSecret);
                endpoints.Add(endpoint.BaseUrl);
                online.Emulator.Online.Move();
                throw new CrmException(CrmErrorKind.Transient, OnlineErrors.TenantMoved, "421");
            },
            CancellationToken.None));

        moved.ErrorType.ShouldBe(OnlineErrors.TenantMoved);
        moved.Kind.ShouldBe(CrmErrorKind.Transient);
        moved.RetryAfter.ShouldBe(OnlineCalls.MovedRetryAfter);
        endpoints.Count.ShouldBe(1 + OnlineCalls.MaxMoves);
        endpoints.Distinct().Count().ShouldBe(2, "each refresh found the host the tenant had moved to");
    }

    /// <summary>An emulator with Relay registered as an Online application, a system-user token for Cust12345, and an adapter that knows the emulator's environment.</summary>
    internal sealed class OnlineSession : IAsyncDisposable
    {
        public const string ClientId = "relay-online-tests";
        public const string ClientSecret = "relay-online-secret";
        public const string Environment = "emu";
        public static readonly TimeSpan NotRunningRetryAfter = TimeSpan.FromSeconds(7);

        private OnlineSession(RunningEmulator emulator, NetServerCrm crm, Crm.NetServer.Rest.NetServerRestCrm rest, OnlineTenantLocator locator, SystemUserSignIn signIn, CrmConnection connection)
        {
            Emulator = emulator;
            Crm = crm;
            Rest = rest;
            Locator = locator;
            SignIn = signIn;
            Connection = connection;
        }

        public RunningEmulator Emulator { get; }

        public EmulatorStore Store => Emulator.Store;

        public NetServerCrm Crm { get; }

        /// <summary>The REST adapter, with the same locator and sign-in; call it with <see cref="RestConnection"/>.</summary>
        public Crm.NetServer.Rest.NetServerRestCrm Rest { get; }

        /// <summary>The tenant on NetServer's REST web API.</summary>
        public CrmConnection RestConnection => Connection with { Protocol = CrmProtocol.Rest };

        public OnlineTenantLocator Locator { get; }

        public SystemUserSignIn SignIn { get; }

        public CrmConnection Connection { get; }

        public static async Task<OnlineSession> StartAsync(Action<OnlineOptions>? configure = null)
        {
            var emulator = await EmulatorHost.StartAsync(configure: (_, options) => options.WsdlFolder = SharedWsdl.Folder);
            using var key = RSA.Create(2048);
            emulator.Applications.Register(new OnlineApplication(ClientId, ClientSecret, key.ExportSubjectPublicKeyInfoPem(), ["https://relay.example/signin"]));
            var systemToken = emulator.Applications.IssueSystemToken(ClientId, emulator.Store.ContextIdentifier);
            var options = new OnlineOptions
            {
                ClientId = ClientId,
                ClientSecret = ClientSecret,
                PrivateKey = key.ExportRSAPrivateKeyPem(),
                NotRunningRetryAfter = NotRunningRetryAfter,
                StateCacheDuration = TimeSpan.FromMinutes(5),
            };
            options.Environments[Environment] = emulator.BaseUrl.ToString();
            configure?.Invoke(options);
            var online = Options.Create(options);
            var addresses = EmulatorSession.EmulatorAddresses;
            var locator = new OnlineTenantLocator(online, addresses);
            var signIn = new SystemUserSignIn(online, CrmSecrets.WithoutKeyRing, addresses);
            var crm = new NetServerCrm(Options.Create(new NetServerOptions()), addresses: addresses, online: online, locator: locator, systemUser: signIn);
            var rest = new Crm.NetServer.Rest.NetServerRestCrm(Options.Create(new NetServerOptions()), addresses: addresses, online: online, locator: locator, systemUser: signIn);
            var connection = new CrmConnection("online-" + Guid.NewGuid().ToString("N")[..8], string.Empty, "88")
            {
                Online = new OnlineConnection(emulator.Store.ContextIdentifier, Environment, systemToken),
            };
            return new OnlineSession(emulator, crm, rest, locator, signIn, connection);
        }

        /// <summary>The tickets the system user (associate 105) was given, one per sign-in.</summary>
        public IReadOnlyList<string> SystemTickets() => Store.Read(s => s.Tickets.Values.Where(t => t.AssociateId == 105).Select(t => t.Ticket).ToList());

        public async ValueTask DisposeAsync()
        {
            Crm.Dispose();
            Rest.Dispose();
            Locator.Dispose();
            SignIn.Dispose();
            await Emulator.DisposeAsync();
        }
    }
}
