using System.Net.Sockets;
using System.Text;
using Relay.Tests.Panels;

namespace Relay.Tests.Web;

/// <summary>Credentials are checked before a body is read, over a raw connection to Kestrel, where a body can be announced and never sent.</summary>
public sealed class IngestBeforeBodyTests(PanelHost host) : IClassFixture<PanelHost>
{
    [Theory]
    [InlineData("")]
    [InlineData("Authorization: Bearer rly_nobody_0123456789012345678901234567890123456789012\r\n")]
    [InlineData("Relay-Signature: t=1,v1=0000000000000000000000000000000000000000000000000000000000000000\r\n")]
    public async Task A_batch_without_a_valid_credential_is_refused_before_its_30_MB_body_arrives(string credential)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseUrl.Host, host.BaseUrl.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/tenants/{host.Tenant}/triggers HTTP/1.1\r\nHost: {host.BaseUrl.Authority}\r\nContent-Type: application/json\r\n"
            + $"Content-Length: {30 * 1024 * 1024}\r\n{credential}\r\n[";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // Only the head and one byte were sent: an answer now means nothing waited for the rest.
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var statusLine = await reader.ReadLineAsync(timeout.Token);

        statusLine.ShouldBe("HTTP/1.1 401 Unauthorized");
    }
}
