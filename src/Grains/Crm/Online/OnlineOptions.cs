namespace Relay.Crm.Online;

/// <summary>
/// Relay's application identity at SuperOffice CRM Online, section <c>Relay:Online</c>: the client id and secret
/// registered with SuperOffice (the secret is the <c>ApplicationToken</c> every Online call carries), the RSA private key
/// whose public half SuperOffice holds (signs the system-user token), and where each environment's SuperID lives.
/// Comes from configuration or a Kubernetes Secret; never from a tenant.
/// </summary>
public sealed class OnlineOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Relay:Online";

    /// <summary>The environments SuperOffice runs: development, stage and production.</summary>
    public static readonly IReadOnlyList<string> StandardEnvironments = ["sod", "qaonline", "online"];

    /// <summary>The application's client id (OpenID Connect <c>client_id</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>The application's client secret: the OpenID Connect client secret and the <c>ApplicationToken</c>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The RSA private key registered with SuperOffice, PEM (<c>BEGIN PRIVATE KEY</c> or <c>BEGIN RSA PRIVATE KEY</c>).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>A file holding <see cref="PrivateKey"/> (a mounted Kubernetes Secret); used when <see cref="PrivateKey"/> is empty.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>
    /// Where an environment's un-numbered host is, by name, e.g. <c>sod = https://sod.superoffice.com</c>. The standard
    /// environments need no entry; an entry replaces or adds one (the emulator's Online side, a private SuperOffice).
    /// </summary>
    public Dictionary<string, string> Environments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a tenant's state from <c>/api/state/{ContextId}</c> is trusted before it is asked again.</summary>
    public TimeSpan StateCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a tenant that is not running (upgrade, backup, maintenance) rests before its state is asked again.</summary>
    public TimeSpan NotRunningRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether Relay can act as an Online application: client id and secret are set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    /// <summary>The environment's un-numbered host (authentication, <c>/api/state</c>), or null for an unknown name.</summary>
    public Uri? EnvironmentBase(string? environment)
    {
        if (string.IsNullOrWhiteSpace(environment))
        {
            return null;
        }

        if (Environments.TryGetValue(environment, out var configured) && Uri.TryCreate(configured.TrimEnd('/'), UriKind.Absolute, out var uri))
        {
            return uri;
        }

        return StandardEnvironments.Contains(environment, StringComparer.OrdinalIgnoreCase)
            ? new Uri($"https://{environment.ToLowerInvariant()}.superoffice.com")
            : null;
    }

    /// <summary>Every environment Relay knows: the standard ones and the configured ones.</summary>
    public IEnumerable<string> EnvironmentNames => StandardEnvironments.Concat(Environments.Keys).Distinct(StringComparer.OrdinalIgnoreCase);
}
