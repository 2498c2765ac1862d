using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServer.Tests;

/// <summary>What the adapter checks when it connects and signs in: the address it reaches, and the secrets it reveals.</summary>
public sealed class ConnectionGuardTests
{
    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_at_connect_time_as_a_permanent_error_and_nothing_is_sent()
    {
        await using var session = await EmulatorSession.StartAsync();
        using var crm = Adapter(new CrmAddressPolicy());
        var connection = session.Connection with { BaseUrl = $"https://localhost:{session.Emulator.BaseUrl.Port}/Cust12345" };

        var error = await Should.ThrowAsync<CrmException>(() => crm.FindPersonsByEmailAsync(connection, DemoSeed.SharedEmails[0]));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "AddressNotAllowed"));
        error.Message.ShouldContain("loopback");
        session.Emulator.Requests.Snapshot().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_listed_name_is_connected_to_through_the_guard()
    {
        await using var session = await EmulatorSession.StartAsync();
        using var crm = Adapter(new CrmAddressPolicy(["localhost"]));
        var connection = session.Connection with { BaseUrl = $"http://localhost:{session.Emulator.BaseUrl.Port}/Cust12345" };

        (await crm.FindPersonsByEmailAsync(connection, DemoSeed.SharedEmails[0])).Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_address_stored_before_the_rules_is_refused_before_any_call()
    {
        await using var session = await EmulatorSession.StartAsync();
        using var crm = Adapter(new CrmAddressPolicy());

        var error = await Should.ThrowAsync<CrmException>(() => crm.FindPersonsByEmailAsync(session.Connection, DemoSeed.SharedEmails[0]));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "AddressNotAllowed"));
        error.Message.ShouldContain("must use https");
        session.Emulator.Requests.Snapshot().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_protected_password_and_application_token_are_revealed_only_on_the_wire()
    {
        await using var session = await EmulatorSession.StartAsync();
        var secrets = new CrmSecrets(new EphemeralDataProtectionProvider());
        using var crm = Adapter(EmulatorSession.EmulatorAddresses, secrets);
        var connection = session.Connection with { Password = secrets.Protect(DemoSeed.Password), ApplicationToken = secrets.Protect("relay-app-token") };

        (await crm.FindPersonsByEmailAsync(connection, DemoSeed.SharedEmails[0])).Count.ShouldBe(2);

        connection.Password.ShouldStartWith(CrmSecrets.Prefix);
        var calls = session.Emulator.Requests.Snapshot();
        calls.Select(c => c.Operation).ShouldBe(["AuthenticateUsernamePassword", "FindAddress"]);
        calls.ShouldAllBe(c => c.RequestEnvelope.Contains("relay-app-token") && !c.RequestEnvelope.Contains(CrmSecrets.Prefix));
    }

    [Fact]
    public async Task A_secret_the_key_ring_cannot_read_fails_permanently_without_a_call()
    {
        await using var session = await EmulatorSession.StartAsync();
        var elsewhere = new CrmSecrets(new EphemeralDataProtectionProvider());
        using var crm = Adapter(EmulatorSession.EmulatorAddresses, new CrmSecrets(new EphemeralDataProtectionProvider()));
        var connection = session.Connection with { Password = elsewhere.Protect(DemoSeed.Password) };

        var error = await Should.ThrowAsync<CrmException>(() => crm.FindPersonsByEmailAsync(connection, DemoSeed.SharedEmails[0]));

        (error.Kind, error.ErrorType).ShouldBe((CrmErrorKind.Permanent, "SecretUnreadable"));
        session.Emulator.Requests.Snapshot().ShouldBeEmpty();
    }

    private static NetServerCrm Adapter(CrmAddressPolicy addresses, CrmSecrets? secrets = null) =>
        new(Options.Create(new NetServerOptions { CallTimeout = TimeSpan.FromSeconds(20) }), secrets: secrets, addresses: addresses);
}
