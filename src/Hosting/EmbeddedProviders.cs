using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Orleans.Streams;
using Relay.Hosting.Storage;
using Relay.Hosting.Streams;

namespace Relay.Hosting;

/// <summary>
/// The <c>Embedded</c> provider set: grain state in this process (both storages), memory trigger streams and memory
/// reminders. One process, nothing durable: the embedded default and the test clusters.
/// </summary>
public static class EmbeddedProviders
{
    /// <summary>Storage, trigger streams and reminders, without membership (test clusters bring their own).</summary>
    public static ISiloBuilder AddRelayProviders(this ISiloBuilder silo, EmbeddedState state = EmbeddedState.Process)
    {
        silo.Services.AddRelayDeliveryWatch();
        if (state is EmbeddedState.Cluster)
        {
            // Several silo processes: a grain may be written in one process and activated again in another.
            silo.AddMemoryGrainStorage(RelayStorage.Name, UseBinaryFormat);
            silo.AddMemoryGrainStorage(RelayStorage.Large, UseBinaryFormat);
        }
        else
        {
            silo.Services.AddEmbeddedGrainStorage();
        }

        silo.AddMemoryStreams(RelayStorage.TriggerStreamProvider, s => s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>What readiness reads about a silo's storage and given-back triggers, with any provider set.</summary>
    internal static IServiceCollection AddRelayDeliveryWatch(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StorageHealth>();
        services.TryAddSingleton<TriggerRedelivery>();
        return services;
    }

    /// <summary>
    /// Both grain storages over the cluster's <see cref="EmbeddedStateStore"/>. The silo takes its hold on the store as
    /// it is built (a lifecycle participant is made then), not at its first write, so a silo that never wrote keeps the
    /// store alive for its cluster when the silo that did stops.
    /// </summary>
    private static void AddEmbeddedGrainStorage(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var cluster = sp.GetRequiredService<IOptions<ClusterOptions>>().Value;
            return EmbeddedStateStore.Hold($"{cluster.ServiceId}/{cluster.ClusterId}");
        });
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EmbeddedStateStore.ClusterHold>());
        foreach (var name in (string[])[RelayStorage.Name, RelayStorage.Large])
        {
            services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new EmbeddedGrainStorage(
                name,
                sp.GetRequiredService<EmbeddedStateStore.ClusterHold>().Store,
                new BinaryGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
                sp.GetRequiredService<IActivatorProvider>()));
        }
    }

    private static void UseBinaryFormat(OptionsBuilder<MemoryGrainStorageOptions> options) =>
        options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new BinaryGrainStorageSerializer(serializer));

    /// <summary>The stream configuration a client that produces triggers needs.</summary>
    public static IClientBuilder AddRelayClientStreams(this IClientBuilder client)
    {
        client.AddMemoryStreams(RelayStorage.TriggerStreamProvider, s => s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
        return client;
    }
}
