using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Relay.Crm;
using Relay.Crm.NetServer;

namespace Relay.NetServer.Tests;

/// <summary>The DI extension hosting calls.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public void AddNetServerCrm_registers_one_port_for_both_protocols_as_ICrm_ICrmCatalog_and_ICrmConsents_with_options_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["NetServer:CallTimeout"] = "00:00:07" }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<ICrm, InMemoryCrm>();

        services.AddNetServerCrm(o => o.TimeZoneLocationCode = "CET");
        using var provider = services.BuildServiceProvider();

        var crm = provider.GetRequiredService<ICrm>().ShouldBeOfType<NetServerProtocols>();
        provider.GetRequiredService<ICrmCatalog>().ShouldBeSameAs(crm);
        provider.GetRequiredService<ICrmConsents>().ShouldBeSameAs(crm);
        var options = provider.GetRequiredService<IOptions<NetServerOptions>>().Value;
        (options.CallTimeout, options.TimeZoneLocationCode).ShouldBe((TimeSpan.FromSeconds(7), "CET"));
    }
}
