using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Relay.Web.Hosting;

namespace Relay.Tests.Web;

/// <summary>Behind a proxy that ends TLS: forwarded headers only from configured proxies, HSTS, Secure cookies.</summary>
public sealed class TlsOffloadTests(RelayWebFactory factory) : IClassFixture<RelayWebFactory>
{
    private const string Proxy = "10.0.0.5";

    private const string Client = "203.0.113.7";

    [Fact]
    public async Task Behind_a_trusted_proxy_a_forwarded_https_request_is_https_with_hsts_a_secure_cookie_and_the_clients_address()
    {
        await using var host = Production();

        foreach (var proxy in new[] { Proxy, "10.1.2.3" })
        {
            var health = await SendAsync(host, proxy, forwardedProto: "https");

            health.Request.IsHttps.ShouldBeTrue(proxy);
            health.Connection.RemoteIpAddress.ShouldBe(IPAddress.Parse(Client), proxy);
            health.Response.Headers.StrictTransportSecurity.ToString().ShouldBe("max-age=2592000", proxy);
        }

        var signIn = await SignInAsync(host, Proxy, forwardedProto: "https");
        signIn.Response.Headers.SetCookie.ToString().ShouldContain("; secure", Case.Insensitive);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_address_that_is_not_a_configured_proxy_are_ignored_even_from_loopback()
    {
        await using var host = Production();

        foreach (var stranger in new[] { "10.0.0.9", "127.0.0.1", "::1" })
        {
            var health = await SendAsync(host, stranger, forwardedProto: "https");

            health.Request.IsHttps.ShouldBeFalse(stranger);
            health.Connection.RemoteIpAddress.ShouldBe(IPAddress.Parse(stranger), stranger);
            health.Response.Headers.ContainsKey("Strict-Transport-Security").ShouldBeFalse(stranger);
        }

        (await SignInAsync(host, "10.0.0.9", forwardedProto: null)).Response.Headers.SetCookie.ToString()
            .ShouldContain("; secure", Case.Insensitive, "outside Development the admin cookie is always Secure");
    }

    [Fact]
    public async Task In_development_nothing_is_trusted_by_default_no_hsts_is_sent_and_the_admin_cookie_is_secure_only_over_https()
    {
        await using var host = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));

        var loopback = await SendAsync(host, "127.0.0.1", forwardedProto: "https");
        var https = await SendAsync(host, "127.0.0.1", forwardedProto: null, scheme: "https");

        loopback.Request.IsHttps.ShouldBeFalse("not even loopback is a trusted proxy unless configured");
        loopback.Connection.RemoteIpAddress.ShouldBe(IPAddress.Loopback);
        https.Response.Headers.ContainsKey("Strict-Transport-Security").ShouldBeFalse();
        (await SignInAsync(host, "127.0.0.1", forwardedProto: null)).Response.Headers.SetCookie.ToString().ShouldNotContain("; secure", Case.Insensitive);
        (await SignInAsync(host, "127.0.0.1", forwardedProto: null, scheme: "https")).Response.Headers.SetCookie.ToString().ShouldContain("; secure", Case.Insensitive);
    }

    [Fact]
    public void A_proxy_address_that_does_not_parse_stops_the_start_naming_the_setting()
    {
        var error = Should.Throw<InvalidOperationException>(() => RelayWebApp.Create(
            [], b => b.Configuration[$"{TlsOffload.ForwardedHeadersSection}:KnownProxies:0"] = "proxy.example.com"));

        error.Message.ShouldContain("Relay:Web:ForwardedHeaders:KnownProxies: 'proxy.example.com' is not an IP address");
    }

    private WebApplicationFactory<Relay.Web.Ingest.TriggerIngest> Production() => factory.WithWebHostBuilder(b =>
    {
        b.UseSetting($"{TlsOffload.ForwardedHeadersSection}:KnownProxies:0", Proxy);
        b.UseSetting($"{TlsOffload.ForwardedHeadersSection}:KnownNetworks:0", "10.1.0.0/16");
        b.UseSetting($"{TlsOffload.HstsSection}:MaxAgeDays", "30");
    });

    private static Task<HttpContext> SignInAsync(WebApplicationFactory<Relay.Web.Ingest.TriggerIngest> host, string from, string? forwardedProto, string scheme = "http") =>
        SendAsync(host, from, forwardedProto, scheme, "POST", "/admin/login", $"key={RelayWebFactory.AdminKey}");

    /// <summary>A request as it reaches the host from <paramref name="from"/>, which may add forwarded headers.</summary>
    private static Task<HttpContext> SendAsync(
        WebApplicationFactory<Relay.Web.Ingest.TriggerIngest> host, string from, string? forwardedProto, string scheme = "http", string method = "GET", string path = "/health/live", string? form = null) =>
        host.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            c.Request.Scheme = scheme;
            c.Request.Host = new HostString("relay.example.com");
            c.Request.Method = method;
            c.Request.Path = path;
            if (forwardedProto is not null)
            {
                c.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
                c.Request.Headers["X-Forwarded-For"] = Client;
            }

            if (form is not null)
            {
                c.Request.ContentType = "application/x-www-form-urlencoded";
                c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
            }
        });
}
