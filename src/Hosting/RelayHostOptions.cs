namespace Relay.Hosting;

/// <summary>
/// What every Relay process reads to join the cluster, section <c>Relay</c>: cluster identity, ports and providers
/// (<c>Relay:Orleans</c>) and observability (<c>Relay:Observability</c>). The domain's own settings are
/// <see cref="RelayOptions"/>, in the same section.
/// </summary>
public sealed class RelayHostOptions
{
    /// <summary>Cluster and providers.</summary>
    public OrleansSettings Orleans { get; set; } = new();

    /// <summary>Metrics, traces, logs and the dashboard.</summary>
    public ObservabilitySettings Observability { get; set; } = new();

    /// <summary>The Data Protection key ring every process shares (<c>Relay:DataProtection</c>).</summary>
    public KeyRingSettings DataProtection { get; set; } = new();

    /// <summary>Reads the section and fails fast, naming the setting, when something is wrong.</summary>
    public static RelayHostOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        RelayOptions.Read<RelayHostOptions>(configuration, o => o.Validate());

    /// <summary>Every problem with the settings, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Orleans.Providers is not (ProviderKind.Embedded or ProviderKind.Azure))
        {
            errors.Add($"Relay:Orleans:Providers must be 'Embedded' or 'Azure' (got '{Orleans.Providers}')");
        }

        if (string.IsNullOrWhiteSpace(Orleans.ClusterId))
        {
            errors.Add("Relay:Orleans:ClusterId is required");
        }

        if (string.IsNullOrWhiteSpace(Orleans.ServiceId))
        {
            errors.Add("Relay:Orleans:ServiceId is required");
        }

        if (Orleans.SiloPort is <= 0 or > 65535 || Orleans.GatewayPort is <= 0 or > 65535)
        {
            errors.Add("Relay:Orleans:SiloPort and Relay:Orleans:GatewayPort must be TCP ports (1–65535)");
        }

        if (Orleans.QueuePollInterval < TimeSpan.FromMilliseconds(10) || Orleans.QueuePollInterval > TimeSpan.FromSeconds(10))
        {
            errors.Add($"Relay:Orleans:QueuePollInterval must be between 00:00:00.010 and 00:00:10 (got {Orleans.QueuePollInterval})");
        }

        if (Orleans.Providers is ProviderKind.Azure)
        {
            errors.AddRange(Orleans.Azure.Validate(Orleans.ServiceId));
        }

        errors.AddRange(Orleans.ValidateEndpoints());
        errors.AddRange(DataProtection.Validate());
        errors.AddRange(Orleans.Tls.Validate());
        return errors;
    }
}

/// <summary>Where the embedded providers keep grain state.</summary>
public enum EmbeddedState
{
    /// <summary>In this process: one process, or several silos in one process (test clusters).</summary>
    Process = 0,

    /// <summary>In Orleans' memory storage grains, which every silo of the cluster reaches: several local silo processes.</summary>
    Cluster = 1,
}

/// <summary>Which providers the cluster uses.</summary>
public enum ProviderKind
{
    /// <summary>Localhost clustering, grain state in the process, memory streams and reminders: one process, nothing durable.</summary>
    Embedded = 0,

    /// <summary>Azure Table clustering, reminders and state, Blob state for large indexes, Azure Queue streams.</summary>
    Azure = 1,
}

/// <summary>Cluster identity, ports and providers, section <c>Relay:Orleans</c>.</summary>
public sealed class OrleansSettings
{
    /// <summary>The provider set.</summary>
    public ProviderKind Providers { get; set; } = ProviderKind.Embedded;

    /// <summary>The cluster id; silos and clients of one cluster share it.</summary>
    public string ClusterId { get; set; } = "relay-dev";

    /// <summary>The service id; stable across deployments, as storage is keyed by it.</summary>
    public string ServiceId { get; set; } = "relay";

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The silo port of the primary silo, for several local silos; this silo's own port when unset.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>
    /// Where the embedded providers keep grain state: <see cref="EmbeddedState.Process"/> (default: in this process, no
    /// grain call per write) or <see cref="EmbeddedState.Cluster"/> (Orleans' memory storage grains, reachable from every
    /// silo: needed on every silo when several local silo processes form one cluster).
    /// </summary>
    public EmbeddedState EmbeddedState { get; set; }

    /// <summary>TLS between silos and from clients to silos, section <c>Relay:Orleans:Tls</c>; off by default.</summary>
    public OrleansTlsSettings Tls { get; set; } = new();

    /// <summary>The Azure providers' settings, section <c>Relay:Orleans:Azure</c>.</summary>
    public AzureSettings Azure { get; set; } = new();

    /// <summary>The address other silos and clients reach this silo at (a pod's IP); with Azure providers only.</summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>This silo's name in the membership table (a pod's name); the host name when unset.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// How long a grain may stay idle in memory before it is collected; Orleans' default when unset. A busy silo
    /// with many one-off contacts can shorten it to bound the activations it holds.
    /// </summary>
    public TimeSpan? CollectionAge { get; set; }

    /// <summary>
    /// How often each silo looks for new triggers in a trigger queue it reads while the queue is empty (Orleans'
    /// pulling agents); 100 ms by default, Orleans' own. A queue that returned a full batch is read again at once. A
    /// trigger waits up to this long before its contact sees it, and every poll of every queue costs CPU (and, on
    /// Azure, a storage transaction) whether triggers come or not: the load driver measured 20 ms against 100 ms as
    /// p50 31 against 75 ms and p99 131 against 220 ms from ingest to CRM commit, and 0.073 against 0.035 cores idle.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}
