using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Relay.Web.Admin;

namespace Relay.Web.Hosting;

/// <summary>
/// The web host behind a proxy that ends TLS (an ingress, a load balancer): <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are honoured only from the proxies configured under <c>Relay:Web:ForwardedHeaders</c>
/// (none by default, not even loopback), HSTS is sent outside Development, and the admin sign-in cookie is Secure
/// outside Development and on any https request. Plain http://localhost keeps working for the embedded default.
/// </summary>
public static class TlsOffload
{
    /// <summary>The section of the trusted proxies.</summary>
    public const string ForwardedHeadersSection = "Relay:Web:ForwardedHeaders";

    /// <summary>The section of the HSTS header.</summary>
    public const string HstsSection = "Relay:Web:Hsts";

    /// <summary>Registers the forwarded-header, HSTS and cookie settings; fails fast, naming the setting, on an address that does not parse.</summary>
    public static WebApplicationBuilder AddRelayTlsOffload(this WebApplicationBuilder builder)
    {
        var forwarded = builder.Configuration.GetSection(ForwardedHeadersSection).Get<ForwardedHeadersSettings>() ?? new();
        var hsts = builder.Configuration.GetSection(HstsSection).Get<HstsSettings>() ?? new();
        var (proxies, networks) = Parse(forwarded, hsts);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // With both lists empty the middleware would believe every caller, so no proxy configured means no headers read.
            o.ForwardedHeaders = proxies.Count + networks.Count > 0 ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            o.ForwardLimit = forwarded.ForwardLimit;

            // ASP.NET Core trusts loopback by default; a sidecar or anything else on the pod's loopback is no proxy of ours.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(hsts.MaxAgeDays);
            o.IncludeSubDomains = hsts.IncludeSubDomains;
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(RelayAuthentication.CookieScheme).PostConfigure<IHostEnvironment>((o, environment) =>
            o.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always);
        return builder;
    }

    /// <summary>First in the pipeline, so that everything after sees the client's scheme and address.</summary>
    public static WebApplication UseRelayTlsOffload(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            // Only on https requests, and never for localhost: the embedded default is not pinned to https.
            app.UseHsts();
        }

        return app;
    }

    private static (List<IPAddress> Proxies, List<IPNetwork> Networks) Parse(ForwardedHeadersSettings forwarded, HstsSettings hsts)
    {
        var errors = new List<string>();
        var proxies = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        foreach (var proxy in forwarded.KnownProxies)
        {
            if (IPAddress.TryParse(proxy, out var address))
            {
                proxies.Add(address);
            }
            else
            {
                errors.Add($"{ForwardedHeadersSection}:KnownProxies: '{proxy}' is not an IP address");
            }
        }

        foreach (var network in forwarded.KnownNetworks)
        {
            if (IPNetwork.TryParse(network, out var parsed))
            {
                networks.Add(parsed);
            }
            else
            {
                errors.Add($"{ForwardedHeadersSection}:KnownNetworks: '{network}' is not a network such as 10.244.0.0/16");
            }
        }

        if (forwarded.ForwardLimit < 1)
        {
            errors.Add($"{ForwardedHeadersSection}:ForwardLimit must be 1 or more");
        }

        if (hsts.MaxAgeDays is < 0 or > 3650)
        {
            errors.Add($"{HstsSection}:MaxAgeDays must be between 0 and 3650");
        }

        return errors.Count == 0 ? (proxies, networks) : throw new InvalidOperationException("Relay cannot start: " + string.Join("; ", errors));
    }

    /// <summary>Section <c>Relay:Web:ForwardedHeaders</c>.</summary>
    internal sealed class ForwardedHeadersSettings
    {
        /// <summary>Addresses of the proxies whose forwarded headers are believed.</summary>
        public List<string> KnownProxies { get; set; } = [];

        /// <summary>Networks (CIDR) of such proxies, e.g. the ingress controller's pod network.</summary>
        public List<string> KnownNetworks { get; set; } = [];

        /// <summary>How many proxies' entries are read from the end of <c>X-Forwarded-For</c>.</summary>
        public int ForwardLimit { get; set; } = 1;
    }

    /// <summary>Section <c>Relay:Web:Hsts</c>.</summary>
    internal sealed class HstsSettings
    {
        /// <summary>How long browsers keep to https, in days.</summary>
        public int MaxAgeDays { get; set; } = 365;

        /// <summary>Whether subdomains are pinned too.</summary>
        public bool IncludeSubDomains { get; set; }
    }
}
