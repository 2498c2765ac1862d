using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Streams;
using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Observability;
using Relay.Resilience;

namespace Relay.Hosting;

/// <summary>
/// The one place that configures Orleans and Relay's services. The silo process, the web host (as
/// co-hosted silo or as client) and the tests all call these, so they cannot drift apart.
/// </summary>
public static class RelayHosting
{
    /// <summary>Configures a silo: cluster membership from settings, then Relay's providers and services.</summary>
    public static ISiloBuilder AddRelaySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = RelayOptions.From(configuration);
        var o = options.Orleans;
        silo.Configure<ClusterOptions>(c =>
        {
            c.ClusterId = o.ClusterId;
            c.ServiceId = o.ServiceId;
        });
        if (o.Providers is ProviderKind.Azure)
        {
            silo.AddRelayAzureSilo(o);
        }
        else
        {
            silo.UseLocalhostClustering(o.SiloPort, o.GatewayPort, new IPEndPoint(IPAddress.Loopback, o.PrimarySiloPort ?? o.SiloPort));
            silo.AddRelayProviders();
        }

        if (o.CollectionAge is { } age)
        {
            // Orleans looks for idle grains once per quantum, which must be shorter than the age.
            silo.Configure<GrainCollectionOptions>(g =>
            {
                g.CollectionAge = age;
                g.CollectionQuantum = TimeSpan.FromTicks(Math.Min(g.CollectionQuantum.Ticks, age.Ticks / 2));
            });
        }

        silo.AddRelayTelemetry(options.Observability);
        silo.Services.AddRelayDomain(options);
        return silo;
    }

    /// <summary>Configures an Orleans client of a cluster started with the same settings.</summary>
    public static IClientBuilder AddRelayClient(this IClientBuilder client, IConfiguration configuration)
    {
        var options = RelayOptions.From(configuration);
        var o = options.Orleans;
        client.Configure<ClusterOptions>(c =>
        {
            c.ClusterId = o.ClusterId;
            c.ServiceId = o.ServiceId;
        });
        if (o.Providers is ProviderKind.Azure)
        {
            client.AddRelayAzureClient(o);
        }
        else
        {
            client.UseLocalhostClustering(o.GatewayPort);
            client.AddRelayClientStreams();
        }

        client.AddRelayTelemetry(options.Observability);
        return client;
    }

    /// <summary>Storage, trigger streams and reminders, without membership (test clusters bring their own).</summary>
    public static ISiloBuilder AddRelayProviders(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(RelayStorage.Name, UseBinaryFormat);
        silo.AddMemoryGrainStorage(RelayStorage.Large, UseBinaryFormat);
        silo.AddMemoryStreams(RelayStorage.TriggerStreamProvider, s => s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
        silo.UseInMemoryReminderService();
        return silo;
    }

    private static void UseBinaryFormat(OptionsBuilder<MemoryGrainStorageOptions> options) =>
        options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new BinaryGrainStorageSerializer(serializer));

    /// <summary>The stream configuration a client that produces triggers needs.</summary>
    public static IClientBuilder AddRelayClientStreams(this IClientBuilder client)
    {
        client.AddMemoryStreams(RelayStorage.TriggerStreamProvider, s => s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
        return client;
    }

    /// <summary>
    /// Relay's domain services on a silo: the CRM port chosen by settings, wrapped in its decorators,
    /// and what the contact grains use to call it.
    /// </summary>
    public static IServiceCollection AddRelayDomain(this IServiceCollection services, RelayOptions options)
    {
        switch (options.Crm.Mode)
        {
            case CrmMode.NetServer:
                services.AddNetServerCrm();
                break;
            case CrmMode.InMemory:
                services.TryAddSingleton(_ => DemoData.SeedCrm(new InMemoryCrm()));
                services.TryAddSingleton<ICrm>(sp => sp.GetRequiredService<InMemoryCrm>());
                break;
            default:
                throw new InvalidOperationException($"Relay:Crm:Mode '{options.Crm.Mode}' is not supported.");
        }

        return services.AddRelayCrmPipeline();
    }

    /// <summary>The decorators around whatever <see cref="ICrm"/> is registered, and the services that call it.</summary>
    public static IServiceCollection AddRelayCrmPipeline(this IServiceCollection services)
    {
        services.TryAddSingleton(RelayClock.System);
        services.AddMetrics();
        services.TryAddSingleton<RelayMetrics>();
        services.TryAddSingleton<PipelineMetrics>();

        // A CRM registered only as ICrm (the in-memory one) has no catalog or consents: those ports refuse, and say why.
        services.TryAddSingleton<UnsupportedCrmPorts>();
        services.TryAddSingleton<ICrmCatalog>(sp => sp.GetRequiredService<UnsupportedCrmPorts>());
        services.TryAddSingleton<ICrmConsents>(sp => sp.GetRequiredService<UnsupportedCrmPorts>());
        services.Decorate<ICrm, InstrumentedCrm>();
        services.Decorate<ICrmCatalog, InstrumentedCrmCatalog>();
        services.Decorate<ICrmConsents, InstrumentedCrmConsents>();

        // Outermost, so an open circuit fails fast without waiting for a permit or being logged as a CRM failure.
        // The three ports share the tenant's circuit: a CRM that is down is down for all of them.
        services.AddOptions<CrmCircuitBreakerOptions>().BindConfiguration(CrmCircuitBreakerOptions.Section);
        services.TryAddSingleton<CrmCircuitBreakers>();
        services.Decorate<ICrm, ResilientCrm>();
        services.Decorate<ICrmCatalog, ResilientCrmCatalog>();
        services.Decorate<ICrmConsents, ResilientCrmConsents>();

        // Every request the NetServer adapter sends, for any of the three ports, waits for a permit of its tenant's cluster-wide budget.
        services.AddOptions<CrmRateLimitOptions>().BindConfiguration(CrmRateLimitOptions.Section);
        services.TryAddSingleton<CrmRateLimiter>();
        services.TryAddSingleton<ICrmRequestGate>(sp => sp.GetRequiredService<CrmRateLimiter>());
        services.AddOptions<CrmRetryOptions>().BindConfiguration(CrmRetryOptions.Section)
            .Validate(o => o.MaxBackoff >= TimeSpan.FromSeconds(1), $"{CrmRetryOptions.Section}:MaxBackoff must be at least one second").ValidateOnStart();
        services.TryAddSingleton<ActionExecutor>();
        return services;
    }

    /// <summary>The services a host that reads Relay's state for people (APIs, panels) uses.</summary>
    public static IServiceCollection AddRelayReaders(this IServiceCollection services)
    {
        services.TryAddSingleton<Timeline.TimelineReader>();
        return services;
    }
}
