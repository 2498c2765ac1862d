using Microsoft.AspNetCore.Authentication;
using Orleans.Dashboard;
using Relay.Hosting;
using Relay.Observability;

namespace Relay.Web.Observability;

/// <summary>What ops look at on the web host: the Prometheus scrape endpoint and, behind the admin key, the Orleans Dashboard.</summary>
public static class OperationsEndpoints
{
    /// <summary>Where the dashboard is served.</summary>
    public const string DashboardPath = "/admin/dashboard";

    /// <summary>Telemetry and the admin key scheme that guards the dashboard.</summary>
    public static WebApplicationBuilder AddRelayOperations(this WebApplicationBuilder builder)
    {
        builder.AddRelayObservability("relay-web");
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminKeyAuthentication>(AdminKeyAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminKeyAuthentication.SchemeName, p =>
            p.AddAuthenticationSchemes(AdminKeyAuthentication.SchemeName).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> and, when enabled, the dashboard under <see cref="DashboardPath"/>.</summary>
    public static WebApplication MapRelayOperations(this WebApplication app)
    {
        app.MapRelayMetrics();
        if (RelayHostOptions.From(app.Configuration).Observability.Dashboard)
        {
            app.MapOrleansDashboard(DashboardPath).RequireAuthorization(AdminKeyAuthentication.SchemeName);
        }

        return app;
    }
}
