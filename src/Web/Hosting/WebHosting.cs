using Relay.Hosting;
using Relay.Tenants;
using Relay.Web.Ingest;
using Relay.Web.Panels;
using Relay.Web.Recovery;
using Relay.Web.Observability;
using Relay.Web.Online;

namespace Relay.Web.Hosting;

/// <summary>How the web host is put together: co-hosted silo or cluster client, APIs, health.</summary>
public static class WebHosting
{
    /// <summary>
    /// Adds Orleans (a co-hosted silo for the embedded default, else a client of the cluster) and the
    /// web host's services. <c>Relay:Web:CoHostSilo</c> chooses.
    /// </summary>
    public static WebApplicationBuilder AddRelayWeb(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var relay = RelayOptions.From(configuration);
        if (configuration.GetValue("Relay:Web:CoHostSilo", true))
        {
            builder.UseOrleans(silo => silo.AddRelaySilo(configuration));
        }
        else
        {
            builder.UseOrleansClient(client => client.AddRelayClient(configuration));
        }

        builder.AddRelayOperations();
        builder.Services.ConfigureHttpJsonOptions(o => RelayJson.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.TryAddTimeProvider();
        builder.Services.AddSingleton(ClusterRecoverySettings.From(configuration));
        builder.Services.AddSingleton<ClusterCalls>();
        builder.Services.AddExceptionHandler<ClusterRecoveringHandler>();
        builder.Services.AddSingleton<TriggerIngest>();
        builder.Services.AddRelayReaders();
        // The panels sign in with SuperOffice's ticket (the panel gate), not with a Relay credential.
        builder.Services.AddRazorPages(o =>
        {
            o.Conventions.AllowAnonymousToFolder("/Panels");
            Console.ConsoleHosting.AddConsoleConventions(o.Conventions);
        });
        builder.Services.AddSingleton<PanelSessions>();
        builder.Services.AddPanelRateLimiting();
        builder.Services.AddAntiforgery(o =>
        {
            // The panels live in SuperOffice's iframe, a third-party context: SameSite=None, which browsers
            // take only with Secure. Secure is written as an attribute rather than through SecurePolicy
            // because SecurePolicy.Always refuses plain-http requests, and browsers accept Secure cookies
            // from http://localhost, which the embedded default and the browser tests use.
            o.Cookie.SameSite = SameSiteMode.None;
            o.Cookie.SecurePolicy = CookieSecurePolicy.None;
            o.Cookie.Extensions.Add("Secure");
            o.Cookie.Extensions.Add("Partitioned");
            o.SuppressXFrameOptionsHeader = true;
        });
        builder.Services.AddRelayAuthentication(configuration);
        builder.Services.AddRelayOnline(configuration);
        builder.Services.AddRelayHealthChecks();
        if (configuration.GetValue($"{EmulatorSettings.Section}:Enabled", false))
        {
            builder.Services.AddSingleton<EmbeddedEmulator>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedEmulator>());
        }

        if (relay.Demo.Enabled)
        {
            builder.Services.AddHostedService<DemoTenantSeeder>();
        }

        return builder;
    }

    /// <summary>The SuperOffice panels behind the panel gate.</summary>
    public static WebApplication MapRelayPanels(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/panels"), panels => panels.UseRateLimiter().UseMiddleware<PanelGate>());
        app.MapRazorPages();
        return app;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
