using Relay.Crm;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServer.Tests;

/// <summary>Tickets: one login per tenant, renewed once when NetServer rejects the cached one.</summary>
public abstract class TicketTests(bool withWsdl)
{
    [Fact]
    public async Task Calls_of_one_tenant_share_one_login()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0])));

        session.Calls("AuthenticateUsernamePassword").Count.ShouldBe(1);
        session.Calls("FindAddress").Count.ShouldBe(20);
    }

    [Fact]
    public async Task A_ticket_expired_mid_run_is_renewed_and_the_call_in_flight_succeeds()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl);
        await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]);

        using (var http = new HttpClient { BaseAddress = session.Emulator.BaseUrl })
        using (var expire = await http.PostAsync("/admin/tickets/expire", null))
        {
            expire.EnsureSuccessStatusCode();
        }

        var person = session.Store.Read(s => s.Persons.Values.First());
        var created = await session.Crm.CreateSaleAsync(session.Connection, new NewSale(new CrmPersonRef(person.PersonId, person.CompanyId), "After expiry", 1, null, 10, null, "ref-expiry", DateTimeOffset.UtcNow));

        created.ShouldBeGreaterThan(0);
        session.Calls("AuthenticateUsernamePassword").Count.ShouldBe(2);
        session.Calls("CreateDefaultSaleEntity").Select(r => r.Outcome).ShouldBe(["ExceptionInfo SoSessionExpiredException", "ok"]);
        session.Store.Read(s => s.Sales.Count).ShouldBe(1);
    }

    [Fact]
    public async Task A_ticket_past_its_sliding_lifetime_is_renewed()
    {
        var time = new ManualTime();
        await using var session = await EmulatorSession.StartAsync(time: time, configure: (store, _) => store.TicketLifetime = TimeSpan.FromMinutes(10), withWsdl: withWsdl);
        await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]);

        time.Advance(TimeSpan.FromMinutes(9));
        await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]);
        session.Calls("AuthenticateUsernamePassword").Count.ShouldBe(1, "each use slides the ticket's expiry");

        time.Advance(TimeSpan.FromMinutes(11));
        (await session.Crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0])).Count.ShouldBe(2);
        session.Calls("AuthenticateUsernamePassword").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_ticket_rejected_again_after_a_fresh_login_fails_permanently()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl);
        session.Emulator.Faults.Add(new() { Operation = "FindAddress", Kind = NetServerEmulator.Faults.FaultKind.ExceptionInfo, ExceptionType = "SoSessionExpiredException", Message = "The ticket has expired" });

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.FindPersonsByEmailAsync(session.Connection, "a@b.example"));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "TicketRejected"));
        session.Calls("FindAddress").Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_wrong_password_fails_permanently_as_AuthenticationFailed()
    {
        await using var session = await EmulatorSession.StartAsync(password: "wrong", withWsdl: withWsdl);

        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetPersonAsync(session.Connection, 1001));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "AuthenticationFailed"));
        session.Calls("GetPersonEntity").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_missing_user_name_fails_permanently_as_MissingCredentials()
    {
        await using var session = await EmulatorSession.StartAsync(withWsdl: withWsdl);
        var error = await Should.ThrowAsync<CrmException>(() => session.Crm.GetPersonAsync(session.Connection with { UserName = null }, 1001));
        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "MissingCredentials"));
    }
}

/// <summary>Ticket handling against the emulator with SuperOffice's WSDL files: schema-written answers, validated requests.</summary>
public sealed class TicketWithWsdlTests() : TicketTests(withWsdl: true);

/// <summary>Ticket handling against the emulator without them, as from a bare clone: answers from its own writer.</summary>
public sealed class TicketWithoutWsdlTests() : TicketTests(withWsdl: false);
