using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Relay.Crm;
using Relay.NetServerEmulator.Data;
using Relay.Tenants;
using Relay.Tests.Resilience;
using Relay.Triggers;

namespace Relay.Tests.Crm;

/// <summary>A tenant's CRM secrets in grain storage: protected, never plaintext, and still good for signing in.</summary>
[Collection(ResilienceClusterCollection.Name)]
public sealed class TenantSecretsStorageTests(ResilienceClusterFixture fixture)
{
    private EmulatorCluster Relay => fixture.Cluster;

    private Serializer Serializer => Relay.Cluster.GetSiloServiceProvider(Relay.Cluster.Silos[0].SiloAddress).GetRequiredService<Serializer>();

    [Fact]
    public async Task The_stored_tenant_state_holds_no_plaintext_secret_and_the_tenant_still_signs_in()
    {
        var (user, password, token) = AddUser();
        var tenant = await Relay.CreateTenantAsync(10, s => s with { Crm = s.Crm with { UserName = user, Password = password, ApplicationToken = token } });

        var grain = Relay.Client.GetGrain<ITenantGrain>(tenant).GetGrainId();
        var raw = Encoding.UTF8.GetString(Relay.Storage.Raw("tenant", grain).ShouldNotBeNull());
        raw.ShouldNotContain(password);
        raw.ShouldNotContain(token);
        var stored = Relay.Storage.Read<TenantState>(Serializer, "tenant", grain)!.Settings!.Crm;
        stored.Password.ShouldStartWith(CrmSecrets.Prefix);
        stored.ApplicationToken.ShouldStartWith(CrmSecrets.Prefix);

        await SignsInAsync(tenant);
    }

    [Fact]
    public async Task Plaintext_secrets_stored_by_an_earlier_version_are_protected_when_the_tenant_activates_and_still_sign_in()
    {
        var (user, password, token) = AddUser();
        var tenant = "t-" + Guid.NewGuid().ToString("N")[..12];
        var grain = Relay.Client.GetGrain<ITenantGrain>(tenant);
        var crm = new TenantCrmSettings($"{Relay.Emulator.BaseUrl.ToString().TrimEnd('/')}/{tenant}", "75", user, password, token);
        Relay.Storage.Write(Serializer, "tenant", grain.GetGrainId(), new TenantState { Settings = new TenantSettings("Legacy", crm), Version = 3 });

        var config = (await grain.GetConfigAsync()).ShouldNotBeNull();

        config.Settings.Crm.Password.ShouldStartWith(CrmSecrets.Prefix);
        config.Version.ShouldBe(3);
        var raw = Encoding.UTF8.GetString(Relay.Storage.Raw("tenant", grain.GetGrainId()).ShouldNotBeNull());
        raw.ShouldNotContain(password);
        raw.ShouldNotContain(token);
        await SignsInAsync(tenant);
    }

    /// <summary>A NetServer user of its own, with a password and token no other test uses.</summary>
    private (string User, string Password, string Token) AddUser()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var user = "secret-" + suffix;
        var password = "pw-" + suffix;
        Relay.Emulator.Store.Write(s =>
        {
            var id = s.Associates.Keys.Max() + 1;
            s.Associates[id] = new AssociateRecord { AssociateId = id, UserName = user, Password = password, FullName = "Secret User", GroupId = 1 };
        });
        return (user, password, "token-" + suffix);
    }

    /// <summary>A trigger's e-mail lookup reaches NetServer only after the tenant's login succeeded.</summary>
    private async Task SignsInAsync(string tenant)
    {
        await Relay.SendAsync(tenant, Build.Trigger(TriggerType.EmailOpened, "c1", Build.Email()));

        await Eventually.GetAsync(
            () => Task.FromResult(Relay.Requests(tenant)),
            calls => calls.Any(c => c.Operation == "FindAddress"),
            $"tenant {tenant} to sign in and look the contact up");
        Relay.Requests(tenant).ShouldContain(c => c.Operation == "AuthenticateUsernamePassword");
    }
}
