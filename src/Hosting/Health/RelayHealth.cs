using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Hosting.Storage;
using Relay.Hosting.Streams;

namespace Relay.Hosting;

/// <summary>The health endpoints every Relay process serves, so orchestrators probe the silo and the web host alike.</summary>
public static class RelayHealth
{
    /// <summary>
    /// The readiness checks: a grain call reaches an active silo; and, in a process that hosts a silo, its grain storage
    /// answers and no trigger waits for redelivery (degraded otherwise, still ready).
    /// </summary>
    public static IServiceCollection AddRelayHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"])
            .Add(new HealthCheckRegistration(
                "delivery",
                sp => new DeliveryHealthCheck(sp.GetService<StorageHealth>(), sp.GetService<TriggerRedelivery>()),
                HealthStatus.Unhealthy,
                ["ready"]));
        return services;
    }

    /// <summary><c>/health/startup</c> and <c>/health/live</c> answer while the process runs; <c>/health/ready</c> once the cluster answers.</summary>
    public static IEndpointRouteBuilder MapRelayHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteReportAsync }).AllowAnonymous();
        return app;
    }

    /// <summary>The overall status and each check's status and description; no exception text (the probe is anonymous).</summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        });
}
