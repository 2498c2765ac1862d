using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Relay.Crm.Online;

/// <summary>Registers what a silo needs for SuperOffice CRM Online tenants.</summary>
public static class OnlineServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="OnlineOptions"/> from <see cref="OnlineOptions.Section"/> and registers the singletons
    /// <see cref="OnlineTenantLocator"/> and <see cref="SystemUserSignIn"/>; a second call changes nothing.
    /// </summary>
    public static IServiceCollection AddRelayOnline(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(OnlineTenantLocator)))
        {
            return services;
        }

        services.AddOptions<OnlineOptions>().BindConfiguration(OnlineOptions.Section);
        // Built by hand so that a host without a key ring or address policy (an adapter registered alone) still resolves them.
        services.TryAddSingleton(sp => new OnlineTenantLocator(
            sp.GetRequiredService<IOptions<OnlineOptions>>(), Addresses(sp), sp.GetService<ILogger<OnlineTenantLocator>>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new SystemUserSignIn(
            sp.GetRequiredService<IOptions<OnlineOptions>>(), sp.GetService<CrmSecrets>() ?? CrmSecrets.WithoutKeyRing, Addresses(sp), sp.GetService<TimeProvider>()));
        return services;
    }

    private static CrmAddressPolicy Addresses(IServiceProvider services) => services.GetService<CrmAddressPolicy>() ?? new CrmAddressPolicy();
}
