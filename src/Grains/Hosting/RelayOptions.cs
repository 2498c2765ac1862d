namespace Relay.Hosting;

/// <summary>Relay's hosting settings, section <c>Relay</c>.</summary>
public sealed class RelayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay";

    /// <summary>Cluster and providers.</summary>
    public OrleansSettings Orleans { get; set; } = new();

    /// <summary>Which CRM port implementation serves the tenants.</summary>
    public CrmSettings Crm { get; set; } = new();

    /// <summary>The demo tenant, for the embedded default.</summary>
    public DemoSettings Demo { get; set; } = new();

    /// <summary>Metrics, traces, logs and the dashboard.</summary>
    public ObservabilitySettings Observability { get; set; } = new();

    /// <summary>Reads the section and fails fast, naming the setting, when something is wrong.</summary>
    public static RelayOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new RelayOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), options);
        var errors = options.Validate();
        return errors.Count == 0
            ? options
            : throw new InvalidOperationException("Relay cannot start: " + string.Join("; ", errors));
    }

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

        if (Orleans.Providers is ProviderKind.Azure)
        {
            errors.AddRange(Orleans.Azure.Validate(Orleans.ServiceId));
        }

        errors.AddRange(Orleans.ValidateEndpoints());
        return errors;
    }
}

/// <summary>Which providers the cluster uses.</summary>
public enum ProviderKind
{
    /// <summary>Localhost clustering, memory storage, streams and reminders: one machine, nothing durable.</summary>
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
}

/// <summary>The CRM port implementation, section <c>Relay:Crm</c>.</summary>
public sealed class CrmSettings
{
    /// <summary>Which implementation serves every tenant.</summary>
    public CrmMode Mode { get; set; } = CrmMode.NetServer;
}

/// <summary>The CRM port implementations.</summary>
public enum CrmMode
{
    /// <summary>Each tenant's SuperOffice NetServer over SOAP (or the NetServer emulator).</summary>
    NetServer = 0,

    /// <summary>A CRM in memory with a few demo persons; nothing leaves the process. For tests and experiments.</summary>
    InMemory = 1,
}

/// <summary>The demo tenant, section <c>Relay:Demo</c>.</summary>
public sealed class DemoSettings
{
    /// <summary>Whether the demo tenant and its automations are created at start-up.</summary>
    public bool Enabled { get; set; }

    /// <summary>The demo tenant's id.</summary>
    public string TenantId { get; set; } = "demo";
}
