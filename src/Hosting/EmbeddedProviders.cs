using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Streams;
using Relay.Hosting.Storage;
using Relay.Hosting.Streams;

namespace Relay.Hosting;

/// <summary>
/// The <c>Embedded</c> provider set: memory grain state (both storages), memory trigger streams and memory
/// reminders. One machine, nothing durable: the embedded default and the test clusters.
/// </summary>
public static class EmbeddedProviders
{
    /// <summary>Storage, trigger streams and reminders, without membership (test clusters bring their own).</summary>
    public static ISiloBuilder AddRelayProviders(this ISiloBuilder silo)
    {
        silo.Services.AddRelayDeliveryWatch();
        silo.AddMemoryGrainStorage(RelayStorage.Name, UseBinaryFormat);
        silo.AddMemoryGrainStorage(RelayStorage.Large, UseBinaryFormat);
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

    private static void UseBinaryFormat(OptionsBuilder<MemoryGrainStorageOptions> options) =>
        options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new BinaryGrainStorageSerializer(serializer));

    /// <summary>The stream configuration a client that produces triggers needs.</summary>
    public static IClientBuilder AddRelayClientStreams(this IClientBuilder client)
    {
        client.AddMemoryStreams(RelayStorage.TriggerStreamProvider, s => s.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
        return client;
    }
}
