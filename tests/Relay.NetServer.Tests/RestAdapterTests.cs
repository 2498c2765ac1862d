using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Crm.Online;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using static Relay.NetServer.Tests.OnlineSystemUserTests;

namespace Relay.NetServer.Tests;

/// <summary>
/// What the REST adapter does differently from SOAP, or must do alike: how each fault reaches the caller, what it retries
/// itself, how it signs in onsite and Online, and that created objects carry the same reference whichever protocol made them.
/// </summary>
public sealed class RestAdapterTests
{
    private static Task<EmulatorSession> StartAsync(TimeSpan? callTimeout = null, string version = "75", string password = DemoSeed.Password) =>
        EmulatorSession.StartAsync(version, callTimeout: callTimeout, withWsdl: false, password: password, protocol: CrmProtocol.Rest);

    private static NewSale SaleFor(EmulatorSession session, string reference)
    {
        var person = session.Store.Read(s => s.Persons.Values.First());
        return new NewSale(new CrmPersonRef(person.PersonId, person.CompanyId), "Fault test", 10, null, 10, null, reference, DateTimeOffset.UtcNow);
    }

    private static int RestCalls(EmulatorSession session, string operation) =>
        session.Emulator.Requests.Snapshot().Count(r => r.Version == "rest" && r.Operation == operation);

    [Theory]
    [InlineData(FaultKind.Http500, "Http500")]
    [InlineData(FaultKind.Http429, "Http429")]
    [InlineData(FaultKind.DropConnection, "ConnectionDropped")]
    public async Task Transport_failures_on_a_read_are_transient(FaultKind kind, string errorType)
    {
        await using var session = await StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "EMail.FindAddress", Kind = kind });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Transient, errorType));
    }

    [Fact]
    public async Task A_429_says_when_to_come_back()
    {
        await using var session = await StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "EMail.FindAddress", Kind = FaultKind.Http429 });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]));

        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(FaultKind.Http500, CrmErrorKind.Uncertain, "Http500")]
    [InlineData(FaultKind.Http429, CrmErrorKind.Transient, "Http429")]
    [InlineData(FaultKind.DropConnection, CrmErrorKind.Uncertain, "ConnectionDropped")]
    public async Task Transport_failures_on_a_write_are_classified_and_nothing_is_written(FaultKind kind, CrmErrorKind expectedKind, string errorType)
    {
        // An HTML 500 is not NetServer's own error answer: a front end may have passed the request on, so a write is uncertain.
        await using var session = await StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "Sale.SaveSaleEntity", Kind = kind });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-" + kind)));

        (error.Kind, error.ErrorType).ShouldBe((expectedKind, errorType));
        session.Store.Read(s => s.Sales.Count).ShouldBe(0);
        (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Sale, "ref-" + kind)).ShouldBeNull();
    }

    [Fact]
    public async Task A_503_is_retried_within_the_call_and_each_attempt_is_a_request()
    {
        await using var session = await StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "Sale.SaveSaleEntity", Kind = FaultKind.Http503, Count = 1 });

        var saleId = await session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-503-once"));

        session.Store.Read(s => s.Sales.Keys.Single()).ShouldBe(saleId);
        RestCalls(session, "SaveSaleEntity").ShouldBe(2);
    }

    [Fact]
    public async Task Every_attempt_waits_at_the_tenants_rate_limit_the_retry_of_a_503_too()
    {
        await using var session = await StartAsync();
        var gate = new CountingGate();
        using var rest = new Crm.NetServer.Rest.NetServerRestCrm(Microsoft.Extensions.Options.Options.Create(new NetServerOptions()), gate: gate, addresses: EmulatorSession.EmulatorAddresses);
        session.Emulator.Faults.Add(new FaultRule { Operation = "Person.GetPersonEntity", Kind = FaultKind.Http503, Count = 1 });

        (await rest.GetPersonAsync(session.Connection, 1041)).ShouldNotBeNull();

        gate.Waits.ShouldBe([session.Connection.TenantId, session.Connection.TenantId]);
    }

    [Theory]
    [InlineData("7T:abc123", "SOTicket", "7T:abc123")]
    [InlineData("8A:Cust12345.token", "Bearer", "8A:Cust12345.token")]
    public async Task A_users_ticket_goes_as_SOTicket_and_an_access_token_as_Bearer(string ticket, string scheme, string parameter)
    {
        var seen = new List<System.Net.Http.Headers.AuthenticationHeaderValue?>();
        using var rest = new Crm.NetServer.Rest.NetServerRestCrm(
            Microsoft.Extensions.Options.Options.Create(new NetServerOptions()), new RecordingClients(seen), addresses: new CrmAddressPolicy(["crm.example"]));

        (await rest.ResolveUserTicketAsync(new CrmConnection("t", "https://crm.example/SuperOffice", "75", "u", "p") { Protocol = CrmProtocol.Rest }, ticket)).ShouldBeNull();

        seen.ShouldHaveSingleItem().ShouldNotBeNull();
        (seen[0]!.Scheme, seen[0]!.Parameter).ShouldBe((scheme, parameter));
    }

    /// <summary>An <see cref="IHttpClientFactory"/> whose client answers 401 to everything and keeps each request's Authorization.</summary>
    private sealed class RecordingClients(List<System.Net.Http.Headers.AuthenticationHeaderValue?> seen) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new Recorder(seen));

        private sealed class Recorder(List<System.Net.Http.Headers.AuthenticationHeaderValue?> seen) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                seen.Add(request.Headers.Authorization);
                return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized) { Content = new StringContent("") });
            }
        }
    }

    private sealed class CountingGate : ICrmRequestGate
    {
        public List<string> Waits { get; } = [];

        public ValueTask WaitAsync(string tenantId, CancellationToken cancellationToken)
        {
            lock (Waits)
            {
                Waits.Add(tenantId);
            }

            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_503_that_lasts_fails_transiently_after_three_attempts_and_nothing_is_written()
    {
        await using var session = await StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "Sale.SaveSaleEntity", Kind = FaultKind.Http503 });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-503")));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Transient, "Http503"));
        RestCalls(session, "SaveSaleEntity").ShouldBe(3);
        session.Store.Read(s => s.Sales.Count).ShouldBe(0);
    }

    [Fact]
    public async Task A_timeout_after_commit_is_uncertain_and_the_sale_is_found_by_its_reference()
    {
        await using var session = await StartAsync(callTimeout: TimeSpan.FromSeconds(1));
        session.Emulator.Faults.Add(new FaultRule { Operation = "SaveSaleEntity", Kind = FaultKind.TimeoutAfterCommit, Count = 1 });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-uncertain")));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Uncertain, "Timeout"));
        var found = (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Sale, "ref-uncertain")).ShouldNotBeNull();
        session.Store.Read(s => s.Sales.Keys.Single()).ShouldBe(found.Id);
    }

    [Fact]
    public async Task Latency_beyond_the_call_timeout_on_a_read_is_a_transient_timeout()
    {
        await using var session = await StartAsync(callTimeout: TimeSpan.FromMilliseconds(500));
        session.Emulator.Faults.Add(new FaultRule { Operation = "GetPersonEntity", Kind = FaultKind.Latency, LatencyMs = 5_000 });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetPersonAsync(session.Connection, 1041));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Transient, "Timeout"));
    }

    [Theory]
    [InlineData("SqlException", "Timeout expired", CrmErrorKind.Transient, "Sql")]
    [InlineData("SoValidationException", "Heading is required", CrmErrorKind.Permanent, "Validation")]
    [InlineData("SuperOffice.Security.SoAccessDeniedException", "No access to sale", CrmErrorKind.Permanent, "AccessDenied")]
    [InlineData("EntityNotFoundException", "Selection 77 was not found", CrmErrorKind.Permanent, "SelectionNotFound")]
    public async Task NetServers_error_answers_are_classified_by_type_and_message_as_over_soap(string exceptionType, string message, CrmErrorKind kind, string errorType)
    {
        await using var session = await StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "Sale.SaveSaleEntity", Kind = FaultKind.ExceptionInfo, ExceptionType = exceptionType, Message = message });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-x")));

        (error.Kind, error.ErrorType).ShouldBe((kind, errorType));
        error.Message.ShouldContain(message);
        session.Store.Read(s => s.Sales.Count).ShouldBe(0);
    }

    [Fact]
    public async Task A_wrong_password_fails_permanently_as_AuthenticationFailed_on_every_kind_of_call()
    {
        await using var session = await StartAsync(password: "not-the-password");

        var read = await Should.ThrowAsync<CrmException>(() => session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]));
        var check = await Should.ThrowAsync<CrmException>(() => session.Crm.CheckSignInAsync(session.Connection));

        (read.Kind, read.ErrorType).ShouldBe((CrmErrorKind.Permanent, "AuthenticationFailed"));
        check.ErrorType.ShouldBe("AuthenticationFailed");
        check.Message.ShouldContain("user 'demo'");
    }

    [Fact]
    public async Task The_connection_test_names_the_user_the_groups_and_the_rest_endpoint()
    {
        await using var session = await StartAsync();

        var check = await session.Crm.CheckSignInAsync(session.Connection);

        (check.User.AssociateId, check.User.UserName).ShouldBe((101, "demo"));
        check.Groups.Select(g => g.Id).ShouldBe([1, 2]);
        check.Groups.ShouldAllBe(g => !g.Name.StartsWith("Group ", StringComparison.Ordinal));
        check.ServicesVersion.ShouldBe("REST v1");
        check.Endpoint.ShouldEndWith("/Cust12345/api/v1");
    }

    [Fact]
    public async Task Consents_are_served_over_rest_whatever_the_soap_services_version_says()
    {
        await using var session = await StartAsync(version: "75");
        var personId = session.Store.Read(s => s.Persons.Keys.Min());
        session.Connection.HasConsentOperations.ShouldBeTrue();

        await session.Crm.SetConsentAsync(session.Connection, personId, new CrmConsent("EMAIL", "LEGITIMATEINTEREST", "FORM", "At the fair"));

        var info = (await session.Crm.GetConsentsAsync(session.Connection, personId)).ShouldHaveSingleItem();
        (info.PurposeKey, info.LegalBaseKey, info.SourceKey, info.Comment).ShouldBe(("EMAIL", "LEGITIMATEINTEREST", "FORM", "At the fair"));
        await session.Crm.RemoveConsentAsync(session.Connection, personId, "EMAIL");
        (await session.Crm.GetConsentsAsync(session.Connection, personId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_sale_created_over_soap_is_found_over_rest_by_its_reference_and_the_other_way_round()
    {
        await using var session = await StartAsync();
        var soap = session.Connection with { Protocol = CrmProtocol.Soap };
        var rest = session.Connection;

        var bySoap = await session.Crm.CreateSaleAsync(soap, SaleFor(session, "ref-by-soap"));
        var byRest = await session.Crm.CreateSaleAsync(rest, SaleFor(session, "ref-by-rest"));

        (await session.Crm.FindCreatedObjectAsync(rest, CrmObjectKind.Sale, "ref-by-soap")).ShouldNotBeNull().Id.ShouldBe(bySoap);
        (await session.Crm.FindCreatedObjectAsync(soap, CrmObjectKind.Sale, "ref-by-rest")).ShouldNotBeNull().Id.ShouldBe(byRest);
        session.Emulator.Requests.Snapshot().Where(r => r.Operation == "SaveSaleEntity").Select(r => r.Version).ShouldBe(["75", "rest"]);
    }

    [Fact]
    public async Task The_registered_adapter_chooses_the_protocol_per_tenant_and_its_http_client_retries_a_503()
    {
        await using var session = await StartAsync();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(EmulatorSession.EmulatorAddresses);
        services.AddNetServerCrm();
        await using var provider = services.BuildServiceProvider();
        var crm = provider.GetRequiredService<ICrm>();
        session.Emulator.Faults.Add(new FaultRule { Operation = "Person.GetPersonEntity", Kind = FaultKind.Http503, Count = 1 });

        (await crm.GetPersonAsync(session.Connection, 1041)).ShouldNotBeNull();
        (await crm.GetPersonAsync(session.Connection with { Protocol = CrmProtocol.Soap }, 1041)).ShouldNotBeNull();

        session.Emulator.Requests.Snapshot().Where(r => r.Operation == "GetPersonEntity").Select(r => (r.Version, r.Status)).ShouldBe([("rest", 503), ("rest", 200), ("75", 200)]);
    }

    [Fact]
    public async Task An_online_tenant_on_rest_calls_the_current_host_with_the_system_users_ticket_and_renews_it_once()
    {
        await using var online = await OnlineSession.StartAsync();

        (await online.Rest.FindPersonsByEmailAsync(online.RestConnection, DemoSeed.SharedEmails[0])).ShouldNotBeEmpty();
        online.Store.ExpireTickets();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => online.Rest.FindPersonsByEmailAsync(online.RestConnection, DemoSeed.SharedEmails[0])));

        var calls = online.Emulator.Requests.Snapshot().Where(r => r.Operation == "FindAddress").ToList();
        calls.ShouldAllBe(r => r.Path == "/Cust12345/api/v1/Agents/EMail/FindAddress" && r.Version == "rest");
        calls.Count(r => r.Outcome == "ok").ShouldBe(6);
        online.SystemTickets().Count.ShouldBe(2);
        online.Emulator.Requests.Snapshot().ShouldNotContain(r => r.Operation == "AuthenticateUsernamePassword");
    }

    [Fact]
    public async Task An_online_tenant_on_rest_is_followed_when_it_moves_and_the_write_is_made_once()
    {
        await using var online = await OnlineSession.StartAsync();
        var person = await online.Rest.GetPersonAsync(online.RestConnection, online.Store.Read(s => s.Persons.Values.First().PersonId));

        online.Emulator.Online.Move();
        var saleId = await online.Rest.CreateSaleAsync(online.RestConnection, new NewSale(person!.Ref, "After the move", 1, null, 10, null, "ref-moved", DateTimeOffset.UtcNow));

        online.Store.Read(s => s.Sales.Keys.Single()).ShouldBe(saleId);
        online.Emulator.Requests.Snapshot().Count(r => r.Path.Contains("/api/v1/Agents/", StringComparison.Ordinal) && r.Status == 421).ShouldBe(1, "the old host refused the first call after the move");
        online.Emulator.Requests.Snapshot().Count(r => r.Operation == "SaveSaleEntity").ShouldBe(1);
    }

    [Fact]
    public async Task A_paused_online_tenant_on_rest_is_not_called_and_says_when_to_come_back()
    {
        await using var online = await OnlineSession.StartAsync();
        online.Emulator.Online.SetState("OfflineBackup");

        var paused = await Should.ThrowAsync<CrmException>(() => online.Rest.FindPersonsByEmailAsync(online.RestConnection, DemoSeed.SharedEmails[0]));

        (paused.Kind, paused.ErrorType, paused.RetryAfter).ShouldBe((CrmErrorKind.Transient, OnlineErrors.TenantNotRunning, OnlineSession.NotRunningRetryAfter));
        online.Emulator.Requests.Snapshot().ShouldNotContain(r => r.Operation == "FindAddress");
    }

    [Fact]
    public async Task A_users_ticket_on_an_online_tenant_on_rest_is_checked_with_current_principal_and_a_forged_one_is_no_user()
    {
        await using var online = await OnlineSession.StartAsync();
        online.Emulator.Online.Move(1);

        (await online.Rest.ResolveUserTicketAsync(online.RestConnection, DemoSeed.Ticket)).ShouldNotBeNull().AssociateId.ShouldBe(101);
        (await online.Rest.ResolveUserTicketAsync(online.RestConnection, "7T:forged")).ShouldBeNull();

        online.Emulator.Requests.Snapshot().Where(r => r.Operation == "currentPrincipal").Select(r => r.Status).ShouldBe([200, 401]);
    }
}
