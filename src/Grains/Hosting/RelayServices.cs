using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Relay.Contacts;
using Relay.Crm;
using Relay.Crm.NetServer;
using Relay.Crm.Online;
using Relay.Observability;
using Relay.Resilience;

namespace Relay.Hosting;

/// <summary>
/// Relay's domain services: the CRM port, its decorators, and what grains and readers use. Every silo (the silo
/// process, the web host's co-hosted one, the test clusters) registers them through these; the cluster itself is
/// configured by the hosting project.
/// </summary>
public static class RelayServices
{
    /// <summary>
    /// Relay's domain services on a silo: the CRM port chosen by settings, wrapped in its decorators,
    /// and what the contact grains use to call it.
    /// </summary>
    public static IServiceCollection AddRelayDomain(this IServiceCollection services, RelayOptions options)
    {
        services.TryAddSingleton(new CrmAddressPolicy(options.Crm.AllowedHosts));
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

        services.AddRelayWebhooks();
        return services.AddRelayCrmPipeline();
    }

    /// <summary>What the tenants' webhook grains send with (<see cref="Feed.Webhooks.WebhookGrain"/>).</summary>
    public static IServiceCollection AddRelayWebhooks(this IServiceCollection services)
    {
        services.AddOptions<Feed.Webhooks.WebhookOptions>().BindConfiguration(Feed.Webhooks.WebhookOptions.Section)
            .Validate(o => o.FirstRetry > TimeSpan.Zero && o.MaxBackoff >= o.FirstRetry, $"{Feed.Webhooks.WebhookOptions.Section}: FirstRetry must be positive and at most MaxBackoff")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.GiveUpAfter > TimeSpan.Zero, $"{Feed.Webhooks.WebhookOptions.Section}: Timeout and GiveUpAfter must be positive").ValidateOnStart();
        services.TryAddSingleton<Feed.Webhooks.WebhookSender>();
        return services;
    }

    /// <summary>The decorators around whatever <see cref="ICrm"/> is registered, and the services that call it.</summary>
    public static IServiceCollection AddRelayCrmPipeline(this IServiceCollection services)
    {
        services.TryAddSingleton(RelayClock.System);

        // The key ring itself (IDataProtectionProvider) is the host's: one ring shared by every process.
        services.TryAddSingleton<CrmSecrets>();
        services.TryAddSingleton(_ => new CrmAddressPolicy());

        // Tenant settings name Online environments, and the operator asks for an Online tenant's state, on any silo.
        services.AddRelayOnline();
        services.AddMetrics();
        services.TryAddSingleton<TenantActivity>();
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
            .Validate(o => o.MaxBackoff >= TimeSpan.FromSeconds(1), $"{CrmRetryOptions.Section}:MaxBackoff must be at least one second")
            .Validate(o => o.SetOperationSettle >= TimeSpan.Zero, $"{CrmRetryOptions.Section}:SetOperationSettle must not be negative").ValidateOnStart();
        services.TryAddSingleton<ActionExecutor>();

        // The console's tenant status: what this silo counted, sent to the tenants' status grains every few seconds.
        services.AddHostedService<TenantActivityReporter>();
        services.AddOptions<Crm.Lookups.TicketCheckOptions>().BindConfiguration(Crm.Lookups.TicketCheckOptions.Section);
        return services;
    }

    /// <summary>The services a host that reads Relay's state for people (APIs, panels) uses.</summary>
    public static IServiceCollection AddRelayReaders(this IServiceCollection services)
    {
        services.TryAddSingleton<Timeline.TimelineReader>();
        return services;
    }
}
