using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Relay.Crm.Online;

namespace Relay.Crm.NetServer;

/// <summary>Registers the SuperOffice NetServer SOAP adapter.</summary>
public static class NetServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NetServerCrm"/> as the singleton <see cref="ICrm"/>, <see cref="ICrmCatalog"/> and <see cref="ICrmConsents"/>, with
    /// <see cref="NetServerOptions"/> (bind them from configuration section <see cref="NetServerOptions.Section"/> or pass <paramref name="configure"/>).
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
        services.RemoveAll<ICrm>();
        services.RemoveAll<ICrmCatalog>();
        services.AddSingleton<ICrm>(sp => sp.GetRequiredService<NetServerCrm>());
        services.AddSingleton<ICrmCatalog>(sp => sp.GetRequiredService<NetServerCrm>());
        services.RemoveAll<ICrmConsents>();
        services.AddSingleton<ICrmConsents>(sp => sp.GetRequiredService<NetServerCrm>());
        return services;
    }
}
