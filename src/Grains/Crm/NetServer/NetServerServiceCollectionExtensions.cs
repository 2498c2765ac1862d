using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Relay.Crm.NetServer.Rest;
using Relay.Crm.Online;

namespace Relay.Crm.NetServer;

/// <summary>Registers the SuperOffice NetServer adapters, SOAP and REST, chosen per tenant.</summary>
public static class NetServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NetServerProtocols"/> as the singleton <see cref="ICrm"/>, <see cref="ICrmCatalog"/> and <see cref="ICrmConsents"/>:
    /// <see cref="NetServerCrm"/> (SOAP) or <see cref="NetServerRestCrm"/> (REST web API, over the <see cref="IHttpClientFactory"/>
    /// client <see cref="NetServerRestHttp.ClientName"/>) as each tenant chooses, with <see cref="NetServerOptions"/> (bind them from
    /// configuration section <see cref="NetServerOptions.Section"/> or pass <paramref name="configure"/>).
    /// </summary>
    public static IServiceCollection AddNetServerCrm(this IServiceCollection services, Action<NetServerOptions>? configure = null)
    {
        var builder = services.AddOptions<NetServerOptions>().BindConfiguration(NetServerOptions.Section);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.AddRelayOnline();
        services.TryAddSingleton<NetServerCrm>();
        // Outermost first: the retry and timeout, then the rate limit (so each attempt waits its turn), then the connector.
        var rest = services.AddHttpClient(NetServerRestHttp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => NetServerRestHttp.Primary(new NetServerConnector(sp.GetService<CrmAddressPolicy>() ?? new CrmAddressPolicy())));
        rest.AddResilienceHandler("netserver-rest", (pipeline, context) => NetServerRestHttp.ConfigurePipeline(pipeline, context.ServiceProvider.GetRequiredService<IOptions<NetServerOptions>>().Value));
        rest.AddHttpMessageHandler(sp => new NetServerRestHttp.GateHandler(sp.GetService<ICrmRequestGate>()));
        services.TryAddSingleton<NetServerRestCrm>();
        services.TryAddSingleton<NetServerProtocols>();
        services.RemoveAll<ICrm>();
        services.RemoveAll<ICrmCatalog>();
        services.AddSingleton<ICrm>(sp => sp.GetRequiredService<NetServerProtocols>());
        services.AddSingleton<ICrmCatalog>(sp => sp.GetRequiredService<NetServerProtocols>());
        services.RemoveAll<ICrmConsents>();
        services.AddSingleton<ICrmConsents>(sp => sp.GetRequiredService<NetServerProtocols>());
        return services;
    }
}
