using System.Net;
using Relay.Crm.NetServer;

namespace Relay.Crm.Online;

/// <summary>
/// The HTTP client of Relay's Online calls outside NetServer (tenant state, system-user sign-in, SuperID's metadata):
/// connections go through <see cref="NetServerConnector"/>, so the address policy applies to them as to NetServer's,
/// and failures are classified as NetServer's are.
/// </summary>
internal sealed class OnlineHttp : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public OnlineHttp(CrmAddressPolicy addresses)
    {
        var connector = new NetServerConnector(addresses);
        Client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => connector.ConnectAsync(context.DnsEndPoint, cancellationToken),
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout,
        };
    }

    /// <summary>The client itself (SuperID's metadata retriever sends through it).</summary>
    public HttpClient Client { get; }

    /// <summary>Sends a request and returns the body of a 2xx answer; anything else throws a classified <see cref="CrmException"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="call">Names the call in messages, e.g. <c>Online state</c>.</param>
    /// <param name="notFound">The error of a 404, or null to classify it like any other status.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    public async Task<string> SendAsync(HttpRequestMessage request, string call, Func<CrmException>? notFound, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && notFound is not null)
            {
                throw notFound();
            }

            return response.IsSuccessStatusCode
                ? await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)
                : throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
        catch (Exception e) when (e is not CrmException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw NetServerTransport.Classify(e, $"{call} ({request.RequestUri?.AbsolutePath})", isWrite: false);
        }
    }

    public void Dispose() => Client.Dispose();
}
