namespace Relay.Hosting;

/// <summary>
/// Relay's domain settings, section <c>Relay</c>: the CRM port and the demo tenant. The cluster, its providers and
/// observability are the hosting project's settings (<c>RelayHostOptions</c>), in the same section.
/// </summary>
public sealed class RelayOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay";

    /// <summary>Which CRM port implementation serves the tenants.</summary>
    public CrmSettings Crm { get; set; } = new();

    /// <summary>The demo tenant, for the embedded default.</summary>
    public DemoSettings Demo { get; set; } = new();

    /// <summary>Reads the section and fails fast, naming the setting, when something is wrong.</summary>
    public static RelayOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Read<RelayOptions>(configuration, o => o.Validate());

    /// <summary>Binds the section to a new <typeparamref name="T"/> and fails fast with every problem <paramref name="validate"/> names.</summary>
    public static T Read<T>(Microsoft.Extensions.Configuration.IConfiguration configuration, Func<T, IReadOnlyList<string>> validate)
        where T : new()
    {
        var options = new T();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), options);
        var errors = validate(options);
        return errors.Count == 0
            ? options
            : throw new InvalidOperationException("Relay cannot start: " + string.Join("; ", errors));
    }

    /// <summary>Every problem with the settings, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Crm.Mode))
        {
            errors.Add($"Relay:Crm:Mode must be 'NetServer' or 'InMemory' (got '{Crm.Mode}')");
        }

        return errors;
    }
}

/// <summary>The CRM port implementation, section <c>Relay:Crm</c>.</summary>
public sealed class CrmSettings
{
    /// <summary>Which implementation serves every tenant.</summary>
    public CrmMode Mode { get; set; } = CrmMode.NetServer;

    /// <summary>
    /// Hosts a tenant's NetServer address may name although they are, or resolve to, loopback, link-local or private
    /// addresses (an onsite NetServer on a private network), each a host name or IP address, optionally with <c>:port</c>.
    /// A listed host may also use http. See <see cref="Crm.CrmAddressPolicy"/>.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];
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
