using Orleans.Dashboard;
using Relay.Hosting;
using Relay.Observability;

namespace Relay.Web.Observability;

/// <summary>What ops look at on the web host: the Prometheus scrape endpoint and, for the operator only, the Orleans Dashboard.</summary>
public static class OperationsEndpoints
{
    /// <summary>Where the dashboard is served.</summary>
    public const string DashboardPath = "/admin/dashboard";

    /// <summary>Telemetry for the web host.</summary>
    public static WebApplicationBuilder AddRelayOperations(this WebApplicationBuilder builder)
    {
        builder.AddRelayObservability("relay-web");
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> and, when enabled, the dashboard under <see cref="DashboardPath"/>.</summary>
    public static WebApplication MapRelayOperations(this WebApplication app)
    {
        app.MapRelayMetrics();
        if (RelayHostOptions.From(app.Configuration).Observability.Dashboard)
        {
            app.MapOrleansDashboard(DashboardPath).RequireAuthorization(RelayPolicies.Operator);
        }

        return app;
    }
}
