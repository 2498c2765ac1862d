using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using Orleans.Hosting;
using Relay.Crm;
using Relay.Hosting;

namespace Relay.Observability;

/// <summary>
/// OpenTelemetry for every Relay process: Relay's and Orleans' meters and activity sources, a Prometheus scrape
/// endpoint, an OTLP exporter when <c>Relay:Observability:OtlpEndpoint</c> is set, structured (JSON) console logs
/// when asked, and the Orleans Dashboard's statistics.
/// </summary>
public static class TelemetryHosting
{
    /// <summary>Grain-call trace propagation and, when enabled, the dashboard's statistics on a silo.</summary>
    public static ISiloBuilder AddRelayTelemetry(this ISiloBuilder silo, ObservabilitySettings settings)
    {
        silo.AddActivityPropagation();
        if (settings.Dashboard)
        {
            // Every five seconds is plenty for a dashboard; and its counters are read without the two Orleans
            // instruments that walk every activation at each reading (DashboardSampling).
            silo.AddDashboard(o =>
            {
                o.HideTrace = true;
                o.CounterUpdateIntervalMs = 5000;
            });
            silo.Services.UseRelayDashboardSampling();
        }

        return silo;
    }

    /// <summary>Grain-call trace propagation and, when enabled, the dashboard's client side.</summary>
    public static IClientBuilder AddRelayTelemetry(this IClientBuilder client, ObservabilitySettings settings)
    {
        client.AddActivityPropagation();
        if (settings.Dashboard)
        {
            client.AddDashboard(o => o.HideTrace = true);
        }

        return client;
    }

    /// <summary>Metrics, traces and logs of a Relay process named <paramref name="serviceName"/>.</summary>
    public static WebApplicationBuilder AddRelayObservability(this WebApplicationBuilder builder, string serviceName)
    {
        var settings = RelayHostOptions.From(builder.Configuration).Observability;
        var otlp = string.IsNullOrWhiteSpace(settings.OtlpEndpoint) ? null : new Uri(settings.OtlpEndpoint);
        if (settings.JsonLogs)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }

        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<PipelineMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(m =>
            {
                m.AddMeter(RelayMetrics.MeterName, "Microsoft.Orleans").AddAspNetCoreInstrumentation().AddPrometheusExporter()
                    .AddView(i => i.Meter.Name == "Microsoft.Orleans" && DashboardSampling.ActivationWalkingInstruments.Contains(i.Name) ? MetricStreamConfiguration.Drop : null);
                if (otlp is not null)
                {
                    m.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        if (otlp is not null)
        {
            // Traces only where they can go: without an exporter every grain call and request would still be
            // recorded as an activity: about a fifth of the CPU per trigger in the load driver's timeline scenario.
            telemetry.WithTracing(t => t
                .AddSource(RelayMetrics.MeterName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health") && c.Request.Path != settings.MetricsPath)
                .AddOtlpExporter(o => o.Endpoint = otlp));
            telemetry.WithLogging(l => l.AddOtlpExporter(o => o.Endpoint = otlp));
        }

        return builder;
    }

    /// <summary>Maps the Prometheus scrape endpoint, for the operator key or the metrics key only (<see cref="Relay.Hosting.Security.OperatorAccess"/>).</summary>
    public static WebApplication MapRelayMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(RelayHostOptions.From(app.Configuration).Observability.MetricsPath)
            .RequireAuthorization(Relay.Hosting.Security.OperatorAccess.Metrics);
        return app;
    }
}
