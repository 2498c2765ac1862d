namespace Relay.Hosting;

/// <summary>Metrics, traces, logs and the dashboard, section <c>Relay:Observability</c>.</summary>
public sealed class ObservabilitySettings
{
    /// <summary>
    /// An OTLP collector (e.g. <c>http://otel-collector:4317</c>) that receives metrics, traces and logs; none when
    /// unset. The standard <c>OTEL_EXPORTER_OTLP_*</c> variables refine it.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The path of the Prometheus scrape endpoint.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>Whether the Orleans Dashboard collects statistics (silos) and is served under <c>/admin/dashboard</c> (web host).</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>Whether console logs are written as one JSON object per line, for a log collector.</summary>
    public bool JsonLogs { get; set; }
}
