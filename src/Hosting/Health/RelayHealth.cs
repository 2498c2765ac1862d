using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting;

/// <summary>The health endpoints every Relay process serves, so orchestrators probe the silo and the web host alike.</summary>
public static class RelayHealth
{
    /// <summary>The readiness check: a grain call reaches an active silo.</summary>
    public static IServiceCollection AddRelayHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return services;
    }

    /// <summary><c>/health/startup</c> and <c>/health/live</c> answer while the process runs; <c>/health/ready</c> once the cluster answers.</summary>
    public static IEndpointRouteBuilder MapRelayHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }
}
