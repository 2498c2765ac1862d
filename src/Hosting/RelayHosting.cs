using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Relay.Observability;

namespace Relay.Hosting;

/// <summary>
/// The one place that configures Orleans for a Relay process. The silo process, the web host (as co-hosted silo or
/// as client) and the tests all call these, so they cannot drift apart.
/// </summary>
public static class RelayHosting
{
    /// <summary>Configures a silo: cluster membership from settings, then Relay's providers and services.</summary>
    public static ISiloBuilder AddRelaySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = RelayHostOptions.From(configuration);
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
            silo.AddRelayProviders(o.EmbeddedState);
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

        silo.Services.Configure<StreamPullingAgentOptions>(RelayStorage.TriggerStreamProvider, p => p.GetQueueMsgsTimerPeriod = o.QueuePollInterval);
        silo.UseRelayTls(o.Tls);
        silo.AddRelayTelemetry(options.Observability);
        silo.Services.AddRelayKeyRing(options);
        silo.Services.AddRelayDomain(RelayOptions.From(configuration));
        return silo;
    }

    /// <summary>Configures an Orleans client of a cluster started with the same settings.</summary>
    public static IClientBuilder AddRelayClient(this IClientBuilder client, IConfiguration configuration)
    {
        var options = RelayHostOptions.From(configuration);
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

        client.UseRelayTls(o.Tls);
        client.AddRelayTelemetry(options.Observability);
        client.Services.AddRelayKeyRing(options);
        return client;
    }
}
