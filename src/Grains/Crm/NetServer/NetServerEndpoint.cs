using System.Xml.Linq;

namespace Relay.Crm.NetServer;

/// <summary>Where one tenant's NetServer lives: base URL, endpoint version and its namespace.</summary>
internal sealed record NetServerEndpoint(string TenantId, string BaseUrl, string Version)
{
    /// <summary>The namespace of operations, carriers and headers, e.g. <c>…/NetServer/Services75</c>.</summary>
    public XNamespace Namespace { get; } = "http://www.superoffice.net/ws/crm/NetServer/Services" + Version;

    /// <summary>
    /// Reads the endpoint from a tenant's connection; bad settings fail permanently. An Online tenant's base is not
    /// configured but resolved from its state, and comes as <paramref name="baseUrl"/>.
    /// </summary>
    public static NetServerEndpoint From(CrmConnection connection, string? baseUrl = null)
    {
        baseUrl ??= connection.BaseUrl;
        var version = string.IsNullOrWhiteSpace(connection.ServicesVersion) ? "75" : connection.ServicesVersion.Trim();
        if (!version.All(char.IsAsciiDigit))
        {
            throw new CrmException(CrmErrorKind.Permanent, "InvalidConfiguration", $"Tenant {connection.TenantId}: ServicesVersion '{version}' is not a NetServer version such as 75 or 88.");
        }

        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CrmException(CrmErrorKind.Permanent, "InvalidConfiguration", $"Tenant {connection.TenantId}: BaseUrl '{baseUrl}' is not an http(s) URL.");
        }

        return new NetServerEndpoint(connection.TenantId, baseUrl.TrimEnd('/'), version);
    }

    /// <summary><c>{base}/Remote/Services{ver}/{Agent}.svc</c>, for onsite (<c>https://host/app</c>) and Online (<c>https://host/CustNNNNN</c>) bases alike.</summary>
    public Uri AgentUrl(string agent) => new($"{BaseUrl}/Remote/Services{Version}/{agent}.svc");

    /// <summary>The SOAPAction of an operation.</summary>
    public string Action(string agent, string operation) => $"{Namespace.NamespaceName}/{agent}/{operation}";
}

/// <summary>A NetServer reply: the body element and the failure reported in its headers, if any.</summary>
internal sealed record NetServerReply(XElement Body, string? ExceptionType, string? ExceptionMessage, bool Succeeded)
{
    public bool Failed => ExceptionType is not null || !Succeeded;
}
