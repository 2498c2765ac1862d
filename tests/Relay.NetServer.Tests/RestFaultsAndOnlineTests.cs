using System.Net;
using System.Security.Cryptography;
using Relay.Crm;
using Relay.NetServerEmulator;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Online;

namespace Relay.NetServer.Tests;

/// <summary>The REST Agents API under fault rules (the same rules as SOAP) and on the Online tenant's hosts.</summary>
public sealed class RestFaultsAndOnlineTests
{
    private const string ClientSecret = "rest-test-secret";

    private static string SaleBody(int personId) => $$"""{"Person":{"PersonId":{{personId}}},"Heading":"Faulty sale","Amount":10}""";

    private static async Task<(RestReply? Reply, Exception? Error)> TryPostAsync(RestApi rest, string path, string body)
    {
        try
        {
            return (await rest.PostAsync(path, body), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, e);
        }
    }

    [Theory]
    [InlineData(FaultKind.ExceptionInfo, 500, false)]
    [InlineData(FaultKind.Http500, 500, false)]
    [InlineData(FaultKind.Http503, 503, false)]
    [InlineData(FaultKind.Http429, 429, false)]
    [InlineData(FaultKind.DropConnection, 0, false)]
    [InlineData(FaultKind.TimeoutAfterCommit, 0, true)]
    [InlineData(FaultKind.CommitLate, 0, true)]
    [InlineData(FaultKind.Latency, 200, true)]
    public async Task A_fault_rule_gives_its_REST_wire_form_and_writes_only_when_it_commits(FaultKind kind, int status, bool writes)
    {
        await using var session = await EmulatorSession.StartAsync();
        var person = session.Store.AddPerson("Fay", "Fault", "fay@example.com", session.Store.AddCompany("Fault AB").CompanyId);
        var rule = session.Emulator.Faults.Add(new FaultRule
        {
            Operation = "Sale.SaveSaleEntity", Kind = kind, Count = 1, LatencyMs = 1, HangMs = 100, ExceptionType = "SoSqlException", Message = "Deadlock victim",
        });

        var (reply, error) = await TryPostAsync(new RestApi(session.Emulator.BaseUrl), "Sale/SaveSaleEntity", SaleBody(person.PersonId));

        rule.Fired.ShouldBe(1);
        if (status == 0)
        {
            error.ShouldNotBeNull("the connection is reset, no answer");
        }
        else
        {
            ((int)reply!.Status).ShouldBe(status);
        }

        session.Store.Read(s => s.Sales.Values.Count(x => x.Heading == "Faulty sale")).ShouldBe(writes ? 1 : 0);
        switch (kind)
        {
            case FaultKind.ExceptionInfo:
                reply!.Json.GetProperty("Error").GetBoolean().ShouldBeTrue();
                reply.Json.GetProperty("ErrorType").GetString().ShouldBe("SoSqlException");
                reply.Json.GetProperty("ErrorMessage").GetString().ShouldBe("Deadlock victim");
                break;
            case FaultKind.Http500:
                reply!.ContentType!.ShouldStartWith("text/html");
                reply.Text.ShouldBe("<html><body><h1>Internal Server Error</h1></body></html>");
                break;
            case FaultKind.Http503:
                reply!.ContentType!.ShouldStartWith("text/html");
                break;
            case FaultKind.Http429:
                reply!.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
                break;
        }

        var logged = session.Emulator.Requests.Snapshot().Last(r => r.Version == "rest");
        logged.Outcome.ShouldStartWith(kind == FaultKind.Latency ? "ok" : "fault: ");
    }

    [Fact]
    public async Task One_fault_rule_fires_for_SOAP_and_REST_alike()
    {
        await using var session = await EmulatorSession.StartAsync();
        var person = session.Store.AddPerson("Both", "Ways", "both@example.com", session.Store.AddCompany("Both AB").CompanyId);
        var rule = session.Emulator.Faults.Add(new FaultRule { Operation = "Sale.SaveSaleEntity", Kind = FaultKind.ExceptionInfo, Count = 2, ExceptionType = "SoException" });

        await Should.ThrowAsync<Exception>(() => session.Crm.CreateSaleAsync(
            session.Connection, new NewSale(new CrmPersonRef(person.PersonId, person.CompanyId), "Soap", 1, null, 10, null, "both-1", DateTimeOffset.UtcNow)));
        var rest = await new RestApi(session.Emulator.BaseUrl).PostAsync("Sale/SaveSaleEntity", SaleBody(person.PersonId));
        var third = await new RestApi(session.Emulator.BaseUrl).PostAsync("Sale/SaveSaleEntity", SaleBody(person.PersonId));

        rest.Status.ShouldBe(HttpStatusCode.InternalServerError);
        rule.Fired.ShouldBe(2);
        third.Status.ShouldBe(HttpStatusCode.OK, "the rule's count is spent across both protocols");
    }

    [Fact]
    public async Task A_handler_failure_is_a_500_with_NetServers_exception_type()
    {
        await using var session = await EmulatorSession.StartAsync();

        var reply = await new RestApi(session.Emulator.BaseUrl).PostAsync("Person/SavePersonEntity", """{"Firstname":"","Lastname":""}""");

        reply.Status.ShouldBe(HttpStatusCode.InternalServerError);
        reply.Json.GetProperty("ErrorType").GetString().ShouldBe("SoValidationException");
        reply.Json.GetProperty("ErrorMessage").GetString().ShouldBe("A person needs a first or last name");
        session.Store.Ledger().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_required_application_token_is_enforced_with_403()
    {
        await using var session = await EmulatorSession.StartAsync(configure: (_, options) => options.RequiredApplicationToken = "the-token");
        var rest = new RestApi(session.Emulator.BaseUrl);

        var without = await rest.PostAsync("List/GetCountries");
        var with = await rest.PostAsync("List/GetCountries", appToken: "the-token");

        without.Status.ShouldBe(HttpStatusCode.Forbidden);
        without.Json.GetProperty("ErrorType").GetString().ShouldBe("SoApplicationTokenException");
        with.Status.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<RunningEmulator> StartOnlineAsync()
    {
        var emulator = await EmulatorHost.StartAsync(configure: (_, options) => options.WsdlFolder = EmulatorSession.NoWsdlFolder.Value);
        using var key = RSA.Create(2048);
        emulator.Applications.Register(new OnlineApplication("rest-test-client", ClientSecret, key.ExportSubjectPublicKeyInfoPem(), ["https://relay.example/signin"]));
        return emulator;
    }

    [Fact]
    public async Task On_the_current_Online_host_a_call_needs_a_registered_SO_AppToken()
    {
        await using var emulator = await StartOnlineAsync();
        var rest = new RestApi(emulator.OnlineHosts[0]);

        var without = await rest.PostAsync("List/GetCountries");
        var unregistered = await rest.PostAsync("List/GetCountries", appToken: "not-registered");
        var with = await rest.PostAsync("List/GetCountries", appToken: ClientSecret);
        var principal = await rest.SendAsync(HttpMethod.Get, "api/v1/User/currentPrincipal", appToken: ClientSecret);

        without.Status.ShouldBe(HttpStatusCode.Forbidden);
        without.Json.GetProperty("ErrorType").GetString().ShouldBe("ApplicationTokenRequired");
        unregistered.Status.ShouldBe(HttpStatusCode.Forbidden);
        with.Status.ShouldBe(HttpStatusCode.OK);
        principal.Json.GetProperty("DatabaseContextIdentifier").GetString().ShouldBe("Cust12345");
    }

    [Fact]
    public async Task Basic_authentication_is_refused_in_Online()
    {
        await using var emulator = await StartOnlineAsync();

        var reply = await new RestApi(emulator.OnlineHosts[0]).PostAsync("List/GetCountries", authorization: RestApi.Basic("demo", "demo"), appToken: ClientSecret);

        reply.Status.ShouldBe(HttpStatusCode.Unauthorized);
        reply.Json.GetProperty("ErrorMessage").GetString().ShouldBe("Basic is not allowed in Online");
    }

    [Fact]
    public async Task An_Online_REST_call_at_the_wrong_host_hears_421_and_while_the_tenant_is_down_503()
    {
        await using var emulator = await StartOnlineAsync();

        var numbered = await new RestApi(emulator.OnlineHosts[1]).PostAsync("List/GetCountries", appToken: ClientSecret);
        var unnumbered = await new RestApi(emulator.BaseUrl).PostAsync("List/GetCountries", appToken: ClientSecret);
        var onsite = await new RestApi(emulator.BaseUrl).PostAsync("List/GetCountries");
        emulator.Online.SetState("OfflineMaintenance");
        var down = await new RestApi(emulator.OnlineHosts[0]).PostAsync("List/GetCountries", appToken: ClientSecret);

        numbered.Status.ShouldBe(HttpStatusCode.MisdirectedRequest);
        unnumbered.Status.ShouldBe(HttpStatusCode.MisdirectedRequest, "an SO-AppToken of a registered application marks an Online client");
        onsite.Status.ShouldBe(HttpStatusCode.OK, "without one, the un-numbered host is the onsite NetServer");
        down.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }
}
