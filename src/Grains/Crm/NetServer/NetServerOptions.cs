namespace Relay.Crm.NetServer;

/// <summary>How the NetServer adapters (SOAP and REST) talk to SuperOffice.</summary>
public sealed class NetServerOptions
{
    /// <summary>Configuration section, e.g. <c>NetServer:CallTimeout</c>.</summary>
    public const string Section = "NetServer";

    /// <summary>How long one SOAP call may take before it counts as timed out (transient, or uncertain for writes).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long opening a channel may take.</summary>
    public TimeSpan OpenTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest response accepted, in bytes; a larger one is refused (<c>ResponseTooLarge</c>) without being buffered.
    /// Archive pages of 1,000 rows fit well inside the default.
    /// </summary>
    public long MaxReceivedMessageSize { get; set; } = 8L * 1024 * 1024;

    /// <summary>Sent in the <c>TimeZone</c> header: Relay reads and writes dates in UTC.</summary>
    public string TimeZoneLocationCode { get; set; } = "UTC";

    /// <summary>Sent in the <c>TimeZone</c> header alongside <see cref="TimeZoneLocationCode"/>.</summary>
    public int TimeZoneId { get; set; }

    /// <summary>
    /// Sent by the REST adapter as <c>SO-Language</c>: without a language the REST web API answers list names in every
    /// language at once (<c>NO:"…";US:"…"</c>), and Relay matches countries, categories and businesses by name.
    /// </summary>
    public string RestLanguage { get; set; } = "en";

    /// <summary>How long lists used to create companies (countries, categories, businesses) are cached per tenant.</summary>
    public TimeSpan ListCacheDuration { get; set; } = TimeSpan.FromMinutes(10);
}
