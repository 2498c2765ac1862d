using System.Net;
using System.Net.Sockets;

namespace Relay.Tests.Panels;

/// <summary>A panel host with small limits for requests without a session, so the tests can reach them.</summary>
public sealed class TightPanelHost : PanelHost
{
    /// <summary>Unverified requests one address may make at once.</summary>
    public const int PerAddress = 4;

    /// <summary>Unverified requests one tenant may get at once.</summary>
    public const int PerTenant = 10;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Relay:Panels:RateLimits:PerClientAddress:Burst"] = $"{PerAddress}",
        ["Relay:Panels:RateLimits:PerClientAddress:PerMinute"] = "1",
        ["Relay:Panels:RateLimits:PerTenant:Burst"] = $"{PerTenant}",
        ["Relay:Panels:RateLimits:PerTenant:PerMinute"] = "1",
    };
}

/// <summary>
/// Panels under a flood of requests without a session: limited per client address and per tenant with 429 and
/// Retry-After, a refused ticket remembered, ticket checks held to their slice, and users with a session unaffected.
/// Each test calls from its own loopback addresses (127.0.0.x) and, where it counts, its own tenant name.
/// </summary>
public sealed class PanelFloodTests(TightPanelHost host) : IClassFixture<TightPanelHost>
{
    private const string DemoTicket = NetServerEmulator.Data.DemoSeed.Ticket;

    [Fact]
    public async Task Unverified_requests_from_one_address_get_429_with_Retry_After_while_another_address_is_still_served()
    {
        var tenant = "addr-" + Guid.NewGuid().ToString("N")[..8];
        using var flooder = From("127.0.0.2");
        using var neighbour = From("127.0.0.3");

        for (var i = 0; i < TightPanelHost.PerAddress; i++)
        {
            (await flooder.GetAsync($"/panels/{tenant}/leads")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "a tenant without panels, within the limit");
        }

        var refused = await flooder.GetAsync($"/panels/{tenant}/leads");
        var other = await neighbour.GetAsync($"/panels/{tenant}/leads");

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Too many requests");
        other.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unverified_requests_to_one_tenant_from_many_addresses_get_429_once_the_tenants_limit_is_spent_and_other_tenants_are_still_served()
    {
        var tenant = "flood-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < TightPanelHost.PerTenant; i++)
        {
            using var client = From($"127.0.0.{10 + (i / 2)}");
            (await client.GetAsync($"/panels/{tenant}/leads")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using var fresh = From("127.0.0.16");
        var refused = await fresh.GetAsync($"/panels/{tenant}/timeline");
        var otherTenant = await fresh.GetAsync($"/panels/calm-{Guid.NewGuid():N}/leads");

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "a fresh address, but the tenant's limit is spent");
        refused.Headers.RetryAfter.ShouldNotBeNull();
        otherTenant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_user_with_a_session_keeps_working_while_requests_without_one_from_the_same_address_get_429()
    {
        using var client = From("127.0.0.20");
        var signIn = await client.GetAsync(host.PanelUrl(host.Tenant, "leads", DemoTicket));
        signIn.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var header = signIn.Headers.GetValues("Set-Cookie").Single();
        var cookie = header[..header.IndexOf(';', StringComparison.Ordinal)];
        var junkTenant = "junk-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 1; i < TightPanelHost.PerAddress; i++)
        {
            (await client.GetAsync($"/panels/{junkTenant}/leads")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        var anonymous = await client.GetAsync($"/panels/{host.Tenant}/leads");
        using var withSession = new HttpRequestMessage(HttpMethod.Get, $"/panels/{host.Tenant}/leads");
        withSession.Headers.Add("Cookie", cookie);
        var signedIn = await client.SendAsync(withSession);

        anonymous.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_refused_ticket_sent_again_is_refused_from_memory_without_a_second_NetServer_login()
    {
        var junk = "7T:junk" + Guid.NewGuid().ToString("N");
        using var client = From("127.0.0.30");

        var first = await client.GetAsync(host.PanelUrl(host.Tenant, "leads", junk));
        var again = await client.GetAsync(host.PanelUrl(host.Tenant, "leads", junk));

        first.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        again.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        host.LoginsWith(junk).ShouldBe(1);
    }

    [Fact]
    public async Task Once_the_tenants_slice_for_ticket_checks_is_spent_a_new_ticket_gets_a_quick_429_without_a_NetServer_login()
    {
        var marker = "7T:slice" + Guid.NewGuid().ToString("N")[..8];
        var answers = await Task.WhenAll(Enumerable.Range(0, 2 * TightPanelHost.PerAddress).Select(async i =>
        {
            using var client = From($"127.0.0.{40 + (i % 2)}");
            var response = await client.GetAsync(host.PanelUrl(host.OtherTenant, "leads", $"{marker}-{i}"));
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync());
        }));

        var busy = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        busy.ShouldNotBeEmpty($"{answers.Length} distinct tickets at once, for a burst of 5 checks");
        busy.ShouldAllBe(a => a.RetryAfter > TimeSpan.Zero && a.Body.Contains("Too many sign-ins"));
        answers.Where(a => a.StatusCode != HttpStatusCode.TooManyRequests).ShouldAllBe(a => a.StatusCode == HttpStatusCode.Unauthorized);
        host.LoginsWith(marker).ShouldBe(answers.Length - busy.Count);
    }

    /// <summary>A client whose connections come from <paramref name="address"/>, which the host sees as the client address.</summary>
    private HttpClient From(string address) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = host.BaseUrl };
}
