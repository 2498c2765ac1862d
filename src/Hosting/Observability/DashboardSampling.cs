using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using Orleans.Runtime;

namespace Relay.Observability;

/// <summary>
/// How the Orleans Dashboard samples a silo's Orleans instruments. The dashboard package reads every instrument of
/// the silo's Orleans meter once a second, and two of them walk every activation or the whole directory cache at each
/// reading: with 90,000 idle contacts those walks were two thirds of the idle process's CPU (0.15 cores against 0.06
/// without the dashboard; <c>bench/results/issue19-idle</c>). Here the dashboard's own reader is stopped and one of
/// Relay's reads the same instruments, without those two, every <see cref="DashboardOptions.CounterUpdateIntervalMs"/>,
/// into a dashboard exporter of its own.
/// </summary>
/// <remarks>
/// The dashboard's host and exporter are internal types of <c>Microsoft.Orleans.Dashboard</c>; they are found by name
/// and a change to them fails the silo's start with a message that says so, never silently; <c>MetricsEndpointTests</c>
/// checks the dashboard still shows the silo's counters without the two.
/// </remarks>
public static class DashboardSampling
{
    /// <summary>Orleans instruments whose every observation walks all activations or all cached directory entries.</summary>
    public static readonly FrozenSet<string> ActivationWalkingInstruments = FrozenSet.Create(
        StringComparer.Ordinal,
        "orleans-messaging-processing-activation-data",
        "orleans-directory-cache-size");

    private const string HostTypeName = "Orleans.Dashboard.DashboardHost";
    private const string ExporterTypeName = "Orleans.Dashboard.Implementation.DashboardTelemetryExporter";
    private const string IntervalPropertyName = "ExportIntervalMilliseconds";

    /// <summary>Replaces the dashboard's once-a-second reader; call after <c>AddDashboard</c>.</summary>
    public static IServiceCollection UseRelayDashboardSampling(this IServiceCollection services)
    {
        var assembly = typeof(DashboardOptions).Assembly;
        var hostType = assembly.GetType(HostTypeName);
        var exporterType = assembly.GetType(ExporterTypeName);
        var interval = hostType?.GetProperty(IntervalPropertyName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        var hostDescriptor = hostType is null ? null : services.SingleOrDefault(d => d.ServiceType == hostType);
        if (hostDescriptor is null || exporterType is null || !typeof(BaseExporter<Metric>).IsAssignableFrom(exporterType) || interval is not { CanWrite: true } || interval.PropertyType != typeof(int))
        {
            throw new InvalidOperationException(
                $"{assembly.GetName().Name} {assembly.GetName().Version} no longer has the {HostTypeName}.{IntervalPropertyName} and {ExporterTypeName} " +
                "that Relay's dashboard sampling replaces (see DashboardSampling); turn the dashboard off (Relay:Observability:Dashboard=false) or update DashboardSampling.");
        }

        // The dashboard's host still initialises its grains and reports the silo's version; only its reader never runs.
        services.Remove(hostDescriptor);
        services.AddSingleton(hostType!, sp =>
        {
            var host = ActivatorUtilities.CreateInstance(sp, hostType!);
            interval.SetValue(host, Timeout.Infinite);
            return host;
        });
        services.AddSingleton(sp => new Sampler(sp, exporterType, sp.GetRequiredService<OrleansInstruments>(), sp.GetRequiredService<IOptions<DashboardOptions>>().Value));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Sampler>());
        return services;
    }

    /// <summary>What Relay's reader takes: this silo's Orleans meter (a test cluster has one per silo in a process), without the walks.</summary>
    internal static MetricStreamConfiguration? View(Instrument instrument, Meter siloMeter)
    {
        if (!ReferenceEquals(instrument.Meter, siloMeter) || ActivationWalkingInstruments.Contains(instrument.Name))
        {
            return MetricStreamConfiguration.Drop;
        }

        // As the dashboard does: a histogram's sum is all it shows, so no buckets.
        return instrument.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(Histogram<>)
            ? new ExplicitBucketHistogramConfiguration { TagKeys = [], Boundaries = [], RecordMinMax = false }
            : null;
    }

    /// <summary>Reads the silo's Orleans instruments for the dashboard from just before the silo becomes active until it stops.</summary>
    private sealed class Sampler(IServiceProvider services, Type exporterType, OrleansInstruments instruments, DashboardOptions options)
        : ILifecycleParticipant<ISiloLifecycle>, IDisposable
    {
        private MeterProvider? _provider;

        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(DashboardSampling), ServiceLifecycleStage.Active - 1, _ =>
            {
                var exporter = (BaseExporter<Metric>)ActivatorUtilities.CreateInstance(services, exporterType);
                var intervalMs = Math.Max(1000, options.CounterUpdateIntervalMs);
                _provider = Sdk.CreateMeterProviderBuilder()
                    .AddMeter(instruments.Meter.Name)
                    .AddView(instrument => View(instrument, instruments.Meter))
                    .AddReader(new PeriodicExportingMetricReader(exporter, intervalMs, 1000))
                    .Build();
                return Task.CompletedTask;
            });

        public void Dispose() => _provider?.Dispose();
    }
}
