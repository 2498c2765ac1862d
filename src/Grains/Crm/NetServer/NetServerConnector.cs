using System.Net;
using System.Net.Sockets;
using System.ServiceModel.Channels;
using System.ServiceModel.Description;
using System.ServiceModel.Dispatcher;

namespace Relay.Crm.NetServer;

/// <summary>
/// Opens NetServer connections only to addresses <see cref="CrmAddressPolicy"/> allows, checking the address a name
/// resolves to at the moment of connecting: a name that passed when the settings were saved and now resolves to an
/// internal address (DNS rebinding) reaches nothing. Plugged into WCF as the HTTP handler of each channel factory.
/// </summary>
internal sealed class NetServerConnector(CrmAddressPolicy policy) : IEndpointBehavior
{
    /// <summary>The error type of a refused address.</summary>
    public const string AddressNotAllowed = "AddressNotAllowed";

    /// <summary>Resolves the host, refuses it when any of its addresses is not allowed, and connects.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        foreach (var address in addresses)
        {
            if (policy.RefuseConnection(endpoint.Host, endpoint.Port, address) is { } problem)
            {
                throw new CrmException(CrmErrorKind.Permanent, AddressNotAllowed, $"NetServer connection refused: {problem}");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The handler WCF sends through: a <see cref="SocketsHttpHandler"/> with <see cref="ConnectAsync"/> and the settings
    /// WCF gave its own handler. Redirects are not followed: NetServer answers SOAP calls in place.
    /// </summary>
    private SocketsHttpHandler CreateHandler(HttpClientHandler configured)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, cancellationToken),
            AllowAutoRedirect = false,
            AutomaticDecompression = configured.AutomaticDecompression,
            UseProxy = configured.UseProxy,
            Proxy = configured.Proxy,
            PreAuthenticate = configured.PreAuthenticate,
            Credentials = configured.Credentials,
            UseCookies = configured.UseCookies,
        };
        if (configured.UseCookies)
        {
            handler.CookieContainer = configured.CookieContainer;
        }

        configured.Dispose();
        return handler;
    }

    void IEndpointBehavior.AddBindingParameters(ServiceEndpoint endpoint, BindingParameterCollection bindingParameters) =>
        bindingParameters.Add(new Func<HttpClientHandler, HttpMessageHandler>(CreateHandler));

    void IEndpointBehavior.ApplyClientBehavior(ServiceEndpoint endpoint, ClientRuntime clientRuntime)
    {
    }

    void IEndpointBehavior.ApplyDispatchBehavior(ServiceEndpoint endpoint, EndpointDispatcher endpointDispatcher)
    {
    }

    void IEndpointBehavior.Validate(ServiceEndpoint endpoint)
    {
    }
}
