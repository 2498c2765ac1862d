using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Relay.Hosting;
using Relay.Resilience;

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

    [Fact]
    public void The_retry_backoff_cap_comes_from_settings()
    {
        var options = SiloOptions<CrmRetryOptions>(new Dictionary<string, string?> { ["Relay:Crm:Retry:MaxBackoff"] = "00:00:20" });

        options.MaxBackoff.ShouldBe(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void A_retry_backoff_cap_under_a_second_is_refused_naming_the_setting()
    {
        var error = Should.Throw<OptionsValidationException>(() => SiloOptions<CrmRetryOptions>(new Dictionary<string, string?> { ["Relay:Crm:Retry:MaxBackoff"] = "00:00:00" }));

        error.Message.ShouldContain("Relay:Crm:Retry:MaxBackoff");
    }

    [Fact]
    public void The_set_operation_settle_window_is_two_minutes_unless_set_and_never_negative()
    {
        SiloOptions<CrmRetryOptions>([]).SetOperationSettle.ShouldBe(TimeSpan.FromMinutes(2));
        SiloOptions<CrmRetryOptions>(new Dictionary<string, string?> { ["Relay:Crm:Retry:SetOperationSettle"] = "00:05:00" }).SetOperationSettle.ShouldBe(TimeSpan.FromMinutes(5));

        var error = Should.Throw<OptionsValidationException>(() => SiloOptions<CrmRetryOptions>(new Dictionary<string, string?> { ["Relay:Crm:Retry:SetOperationSettle"] = "-00:00:01" }));
        error.Message.ShouldContain("Relay:Crm:Retry:SetOperationSettle");
    }

    [Fact]
    public void Orleans_tls_without_its_certificate_file_stops_the_start_naming_the_setting()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "cluster.pfx");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Relay:Orleans:Tls:Enabled"] = "true",
            ["Relay:Orleans:Tls:CertificatePath"] = missing,
        }).Build();

        var error = Should.Throw<InvalidOperationException>(() => RelayHostOptions.From(configuration));

        error.Message.ShouldContain($"Relay:Orleans:Tls:CertificatePath: no file at '{missing}'");
        RelayHostOptions.From(new ConfigurationBuilder().Build()).Orleans.Tls.Enabled.ShouldBeFalse("TLS is off unless switched on");
    }

    [Fact]
    public void The_trigger_queues_are_polled_every_100_ms_unless_set_and_a_poll_interval_out_of_range_is_refused()
    {
        TriggerQueuePolling([]).GetQueueMsgsTimerPeriod.ShouldBe(TimeSpan.FromMilliseconds(100));
        TriggerQueuePolling(new Dictionary<string, string?> { ["Relay:Orleans:QueuePollInterval"] = "00:00:00.020" }).GetQueueMsgsTimerPeriod.ShouldBe(TimeSpan.FromMilliseconds(20));

        var error = Should.Throw<InvalidOperationException>(() => TriggerQueuePolling(new Dictionary<string, string?> { ["Relay:Orleans:QueuePollInterval"] = "00:00:00.001" }));
        error.Message.ShouldContain("Relay:Orleans:QueuePollInterval must be between");
    }

    private static StreamPullingAgentOptions TriggerQueuePolling(Dictionary<string, string?> settings) =>
        FromSilo(settings, s => s.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(RelayStorage.TriggerStreamProvider));

    private static GrainCollectionOptions SiloOptions(Dictionary<string, string?> settings) => SiloOptions<GrainCollectionOptions>(settings);

    private static T SiloOptions<T>(Dictionary<string, string?> settings)
        where T : class => FromSilo(settings, s => s.GetRequiredService<IOptions<T>>().Value);

    private static T FromSilo<T>(Dictionary<string, string?> settings, Func<IServiceProvider, T> read)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var host = new HostBuilder()
            .ConfigureAppConfiguration(c => c.AddConfiguration(configuration))
            .UseOrleans(silo => silo.AddRelaySilo(configuration)).Build();
        return read(host.Services);
    }
}
