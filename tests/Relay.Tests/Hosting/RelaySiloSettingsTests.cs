using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Relay.Hosting;

namespace Relay.Tests.Hosting;

public sealed class RelaySiloSettingsTests
{
    [Fact]
    public void A_collection_age_from_settings_reaches_the_silo_with_a_shorter_collection_quantum()
    {
        var options = SiloOptions(new Dictionary<string, string?> { ["Relay:Orleans:CollectionAge"] = "00:00:30" });

        options.CollectionAge.ShouldBe(TimeSpan.FromSeconds(30));
        options.CollectionQuantum.ShouldBe(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Without_a_collection_age_the_silo_keeps_orleans_defaults()
    {
        var defaults = new GrainCollectionOptions();

        var options = SiloOptions([]);

        options.CollectionAge.ShouldBe(defaults.CollectionAge);
        options.CollectionQuantum.ShouldBe(defaults.CollectionQuantum);
    }

    private static GrainCollectionOptions SiloOptions(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var host = new HostBuilder().UseOrleans(silo => silo.AddRelaySilo(configuration)).Build();
        return host.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;
    }
}
