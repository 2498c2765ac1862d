using System.Net.Http.Json;
using Relay.Crm;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;

namespace Relay.NetServer.Tests;

/// <summary>Each injected fault reaches the caller as a CrmException of the right kind.</summary>
public sealed class FaultClassificationTests
{
    private static NewSale SaleFor(EmulatorSession session, string reference)
    {
        var person = session.Store.Read(s => s.Persons.Values.First());
        return new NewSale(new CrmPersonRef(person.PersonId, person.CompanyId), "Fault test", 10, null, 10, null, reference, DateTimeOffset.UtcNow);
    }

    [Theory]
    [InlineData(FaultKind.Http500, "Http500")]
    [InlineData(FaultKind.Http503, "Http503")]
    [InlineData(FaultKind.Http429, "Http429")]
    [InlineData(FaultKind.DropConnection, "ConnectionDropped")]
    public async Task Transport_failures_on_a_read_are_transient(FaultKind kind, string errorType)
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "EMail.FindAddress", Kind = kind });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Transient, errorType));
    }

    [Theory]
    [InlineData(FaultKind.Http500, CrmErrorKind.Transient, "Http500")]
    [InlineData(FaultKind.Http503, CrmErrorKind.Transient, "Http503")]
    [InlineData(FaultKind.Http429, CrmErrorKind.Transient, "Http429")]
    [InlineData(FaultKind.DropConnection, CrmErrorKind.Uncertain, "ConnectionDropped")]
    public async Task Transport_failures_on_a_write_are_classified_and_nothing_is_written(FaultKind kind, CrmErrorKind expectedKind, string errorType)
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "Sale.SaveSaleEntity", Kind = kind });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-" + kind)));

        (error.Kind, error.ErrorType).ShouldBe((expectedKind, errorType));
        session.Store.Read(s => s.Sales.Count).ShouldBe(0);
        (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Sale, "ref-" + kind)).ShouldBeNull();
    }

    [Fact]
    public async Task A_timeout_after_commit_is_uncertain_and_the_sale_is_found_by_its_reference()
    {
        await using var session = await EmulatorSession.StartAsync(callTimeout: TimeSpan.FromSeconds(1));
        session.Emulator.Faults.Add(new FaultRule { Operation = "SaveSaleEntity", Kind = FaultKind.TimeoutAfterCommit, Count = 1 });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-uncertain")));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Uncertain, "Timeout"));
        var found = (await session.Crm.FindCreatedObjectAsync(session.Connection, CrmObjectKind.Sale, "ref-uncertain")).ShouldNotBeNull();
        session.Store.Read(s => s.Sales.Keys.Single()).ShouldBe(found.Id);
    }

    [Fact]
    public async Task Latency_beyond_the_call_timeout_on_a_read_is_a_transient_timeout()
    {
        await using var session = await EmulatorSession.StartAsync(callTimeout: TimeSpan.FromMilliseconds(500));
        session.Emulator.Faults.Add(new FaultRule { Operation = "GetPersonEntity", Kind = FaultKind.Latency, LatencyMs = 5_000 });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetPersonAsync(session.Connection, 1041));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Transient, "Timeout"));
    }

    [Fact]
    public async Task Latency_within_the_call_timeout_only_slows_the_call()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "*", Kind = FaultKind.Latency, LatencyMs = 50 });

        (await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0])).Count.ShouldBe(2);
        session.Calls("FindAddress").Single().DurationMs.ShouldBeGreaterThanOrEqualTo(45);
    }

    [Theory]
    [InlineData("SqlException", "Timeout expired", CrmErrorKind.Transient, "Sql")]
    [InlineData("System.Data.SqlClient.SqlException", "Transaction was deadlocked", CrmErrorKind.Transient, "Sql")]
    [InlineData("SoValidationException", "Heading is required", CrmErrorKind.Permanent, "Validation")]
    [InlineData("SuperOffice.Security.SoAccessDeniedException", "No access to sale", CrmErrorKind.Permanent, "AccessDenied")]
    [InlineData("EntityNotFoundException", "Selection 77 was not found", CrmErrorKind.Permanent, "SelectionNotFound")]
    public async Task ExceptionInfo_failures_are_classified_by_type_and_message(string exceptionType, string message, CrmErrorKind kind, string errorType)
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "Sale.SaveSaleEntity", Kind = FaultKind.ExceptionInfo, ExceptionType = exceptionType, Message = message });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.CreateSaleAsync(session.Connection, SaleFor(session, "ref-x")));

        (error.Kind, error.ErrorType).ShouldBe((kind, errorType));
        error.Message.ShouldContain(message);
        session.Store.Read(s => s.Sales.Count).ShouldBe(0);
    }

    [Fact]
    public async Task A_fault_with_a_count_fires_that_many_times_then_calls_succeed()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "FindAddress", Kind = FaultKind.Http503, Count = 2 });

        for (var i = 0; i < 2; i++)
        {
            (await Should.ThrowAsync<CrmException>(() => session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]))).ErrorType.ShouldBe("Http503");
        }

        (await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0])).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_fault_with_probability_zero_never_fires()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.Add(new FaultRule { Operation = "*", Kind = FaultKind.Http500, Probability = 0 });

        for (var i = 0; i < 5; i++)
        {
            (await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0])).Count.ShouldBe(2);
        }
    }

    [Fact]
    public async Task Connection_refused_is_a_transient_ConnectionFailed()
    {
        // Nothing listens on port 1 of the loopback address, so the connection is refused before anything is sent.
        const string deadUrl = "http://127.0.0.1:1/Cust12345";
        using var crm = new Crm.NetServer.NetServerCrm(Microsoft.Extensions.Options.Options.Create(new Crm.NetServer.NetServerOptions()), addresses: EmulatorSession.EmulatorAddresses);
        var error = await Should.ThrowAsync<CrmException>(() => crm.GetPersonAsync(new CrmConnection("dead", deadUrl, "75", "demo", "demo"), 1));
        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Transient, "ConnectionFailed"));
    }

    [Fact]
    public async Task An_https_base_url_is_called_over_TLS()
    {
        await using var session = await EmulatorSession.StartAsync();
        var https = session.Connection with { BaseUrl = $"https://127.0.0.1:{session.Emulator.BaseUrl.Port}/Cust12345" };

        // The emulator speaks plain HTTP, so the TLS handshake fails before any SOAP call is delivered.
        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetPersonAsync(https, 1041));

        error.Kind.ShouldBe(CrmErrorKind.Transient);
        session.Emulator.Requests.Snapshot().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_wrong_application_token_fails_permanently()
    {
        await using var session = await EmulatorSession.StartAsync(configure: (_, options) => options.RequiredApplicationToken = "the-real-token");

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetPersonAsync(session.Connection, 1041));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "ApplicationToken"));
        (await session.Crm.GetPersonAsync(session.Connection with { ApplicationToken = "the-real-token" }, 1041)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Faults_set_through_the_admin_API_apply_and_reset_clears_them()
    {
        await using var session = await EmulatorSession.StartAsync();
        using var http = new HttpClient { BaseAddress = session.Emulator.BaseUrl };

        using (var set = await http.PostAsJsonAsync("/admin/faults", new[] { new { operation = "Person.GetPersonEntity", kind = "Http503", count = 1 } }))
        {
            set.EnsureSuccessStatusCode();
        }

        (await Should.ThrowAsync<CrmException>(() => session.Crm.GetPersonAsync(session.Connection, 1041))).ErrorType.ShouldBe("Http503");
        (await session.Crm.GetPersonAsync(session.Connection, 1041)).ShouldNotBeNull();
        await session.Crm.CreateCompanyAsync(session.Connection, new NewCompany("Ledger AB", null, null, null));

        var ledger = await http.GetFromJsonAsync<LedgerResponse>("/admin/ledger");
        ledger!.Counts["Contact"].ShouldBe(41);
        ledger.Writes.ShouldHaveSingleItem().Operation.ShouldBe("SaveContactEntity");
        var requests = (await http.GetFromJsonAsync<List<RequestResponse>>("/admin/requests")).ShouldNotBeNull();
        requests.Select(r => r.Operation).ShouldContain("GetPersonEntity");
        requests.First(r => r.Operation == "GetPersonEntity").Status.ShouldBe(503);

        using (var reset = await http.PostAsync("/admin/reset", null))
        {
            reset.EnsureSuccessStatusCode();
        }

        (await http.GetFromJsonAsync<LedgerResponse>("/admin/ledger"))!.Writes.ShouldBeEmpty();
        session.Emulator.Faults.Rules().ShouldBeEmpty();
    }

    private sealed record LedgerResponse(Dictionary<string, int> Counts, List<LedgerEntry> Writes);

    private sealed record RequestResponse(long Sequence, DateTimeOffset At, string Agent, string Operation, int Status, string Outcome);
}
