using System.Collections.Concurrent;
using System.Net;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.ServiceModel.Security;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Relay.Crm.NetServer;

/// <summary>
/// SOAP 1.1 over WCF's <see cref="BasicHttpBinding"/>: one cached <see cref="ChannelFactory{TChannel}"/> per tenant and
/// agent, request headers <c>ApplicationToken</c>, <c>Credentials/Ticket</c> and <c>TimeZone</c>, response headers
/// <c>ExceptionInfo</c> and <c>Succeeded</c>. Transport failures become classified <see cref="CrmException"/>s.
/// </summary>
internal sealed partial class NetServerTransport : IDisposable
{
    private readonly ConcurrentDictionary<(string Tenant, Uri Url), Lazy<ChannelFactory<IRequestChannel>>> _factories = new();
    private readonly NetServerOptions _options;
    private readonly ICrmRequestGate? _gate;
    private readonly CrmSecrets _secrets;
    private readonly CrmAddressPolicy _addresses;
    private readonly NetServerConnector _connector;

    public NetServerTransport(NetServerOptions options, ICrmRequestGate? gate, CrmSecrets secrets, CrmAddressPolicy addresses)
    {
        _options = options;
        _gate = gate;
        _secrets = secrets;
        _addresses = addresses;
        _connector = new NetServerConnector(addresses);
    }

    /// <summary>Sends one call and returns the reply; throws <see cref="CrmException"/> for transport failures and SOAP faults.</summary>
    /// <param name="endpoint">The tenant's NetServer.</param>
    /// <param name="agent">Agent, e.g. <c>Person</c>.</param>
    /// <param name="operation">Operation, e.g. <c>GetPersonEntity</c>.</param>
    /// <param name="body">The request element.</param>
    /// <param name="applicationToken">The <c>ApplicationToken</c> header, when the tenant has one.</param>
    /// <param name="ticket">The <c>Credentials/Ticket</c> header; null for SoPrincipal's logins.</param>
    /// <param name="isWrite">Whether a lost answer leaves the outcome uncertain.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    public async Task<NetServerReply> CallAsync(
        NetServerEndpoint endpoint, string agent, string operation, XElement body, string? applicationToken, string? ticket, bool isWrite, CancellationToken cancellationToken)
    {
        // Settings stored before the address rules, or an operator list that no longer names the host, are refused here
        // too; the resolved address is checked again when the connection is made (NetServerConnector).
        if (_addresses.CheckShape(endpoint.BaseUrl) is { } problem)
        {
            throw new CrmException(CrmErrorKind.Permanent, NetServerConnector.AddressNotAllowed, $"Tenant {endpoint.TenantId}: {problem}");
        }

        if (_gate is not null)
        {
            await _gate.WaitAsync(endpoint.TenantId, cancellationToken).ConfigureAwait(false);
        }

        // WCF must not run on a grain's scheduler: it schedules continuations on TaskScheduler.Current and parts of
        // it wait for them synchronously, so a call started inside a grain turn blocked that turn (and with it an
        // Orleans worker thread) for seconds, up to the open timeout. The load driver showed grain turns of 2-13 s
        // and the whole silo starving as soon as the rate limiter answered without yielding. The call runs on the
        // thread pool, and the channel opens asynchronously.
        return await Task.Run(() => SendAsync(endpoint, agent, operation, body, applicationToken, ticket, isWrite, cancellationToken), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<NetServerReply> SendAsync(
        NetServerEndpoint endpoint, string agent, string operation, XElement body, string? applicationToken, string? ticket, bool isWrite, CancellationToken cancellationToken)
    {
        var factory = _factories.GetOrAdd((endpoint.TenantId, endpoint.AgentUrl(agent)), key => new Lazy<ChannelFactory<IRequestChannel>>(() => CreateFactory(key.Url))).Value;
        var ns = endpoint.Namespace.NamespaceName;
        using var request = CreateRequest(endpoint, agent, operation, body, _secrets.Reveal(applicationToken, endpoint.TenantId, "application token"), ticket, _options);

        var channel = factory.CreateChannel();
        try
        {
            using var abort = cancellationToken.Register(static c => ((IRequestChannel)c!).Abort(), channel);
            await Task.Factory.FromAsync(
                (callback, state) => channel.BeginOpen(_options.OpenTimeout, callback, state),
                channel.EndOpen,
                null).ConfigureAwait(false);
            using var reply = await Task.Factory.FromAsync(
                (callback, state) => channel.BeginRequest(request, _options.CallTimeout, callback, state),
                channel.EndRequest,
                null).ConfigureAwait(false);
            var result = Read(reply, ns, agent, operation);
            await Task.Factory.FromAsync(
                (callback, state) => channel.BeginClose(_options.OpenTimeout, callback, state),
                channel.EndClose,
                null).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (e is not CrmException)
        {
            channel.Abort();
            cancellationToken.ThrowIfCancellationRequested();
            throw Classify(e, agent, operation, isWrite);
        }
    }

    /// <summary>The SOAP 1.1 request for one call, with the headers NetServer wants.</summary>
    internal static Message CreateRequest(NetServerEndpoint endpoint, string agent, string operation, XElement body, string? applicationToken, string? ticket, NetServerOptions options)
    {
        var request = Message.CreateMessage(MessageVersion.Soap11, endpoint.Action(agent, operation), new ElementBodyWriter(body));
        if (applicationToken is not null)
        {
            request.Headers.Add(new ElementHeader(new XElement(endpoint.Namespace + "ApplicationToken", applicationToken)));
        }

        if (ticket is not null)
        {
            request.Headers.Add(new ElementHeader(new XElement(endpoint.Namespace + "Credentials", new XElement(endpoint.Namespace + "Ticket", ticket))));
            request.Headers.Add(new ElementHeader(new XElement(
                endpoint.Namespace + "TimeZone",
                new XElement(endpoint.Namespace + "SoTimeZoneId", options.TimeZoneId),
                new XElement(endpoint.Namespace + "SoTimeZoneLocationCode", options.TimeZoneLocationCode))));
        }

        return request;
    }

    /// <summary>Reads a reply: SOAP faults throw; ExceptionInfo and Succeeded come back with the body.</summary>
    internal static NetServerReply Read(Message reply, string ns, string agent, string operation)
    {
        if (reply.IsFault)
        {
            var fault = MessageFault.CreateFault(reply, 64 * 1024);
            var code = fault.Code.Name;
            var reason = fault.Reason.GetMatchingTranslation().Text;

            // A fault about the request itself (unknown action, unreadable body) will not go away by retrying.
            var permanent = code is "DeserializationFailed" or "ActionNotSupported" or "Client";
            throw new CrmException(
                permanent ? CrmErrorKind.Permanent : CrmErrorKind.Transient,
                permanent ? "SoapFault." + code : "Http500",
                $"NetServer {agent}.{operation} answered with SOAP fault {code}: {reason}");
        }

        string? exceptionType = null;
        string? exceptionMessage = null;
        var info = ReadHeader(reply, "ExceptionInfo", ns);
        if (info is not null && !IsNil(info))
        {
            exceptionType = info.Element(XName.Get("ExceptionType", ns))?.Value is { Length: > 0 } type ? type : "SoException";
            exceptionMessage = info.Element(XName.Get("Message", ns))?.Value ?? info.Element(XName.Get("FriendlyText", ns))?.Value;
        }

        var succeeded = ReadHeader(reply, "Succeeded", ns) is not { } flag || !string.Equals(flag.Value.Trim(), "false", StringComparison.Ordinal);
        XElement body;
        using (var reader = reply.GetReaderAtBodyContents())
        {
            reader.MoveToContent();
            body = (XElement)XNode.ReadFrom(reader);
        }

        return new NetServerReply(body, exceptionType, exceptionMessage, succeeded);
    }

    private static XElement? ReadHeader(Message reply, string name, string ns)
    {
        var index = reply.Headers.FindHeader(name, ns);
        if (index < 0)
        {
            return null;
        }

        using var reader = reply.Headers.GetReaderAtHeader(index);
        reader.MoveToContent();
        return (XElement)XNode.ReadFrom(reader);
    }

    private static bool IsNil(XElement element) =>
        string.Equals((string?)element.Attribute(XName.Get("nil", "http://www.w3.org/2001/XMLSchema-instance")), "true", StringComparison.Ordinal);

    /// <summary>Turns a WCF/HTTP failure into a classified <see cref="CrmException"/>.</summary>
    internal static CrmException Classify(Exception e, string agent, string operation, bool isWrite) =>
        Classify(e, $"NetServer {agent}.{operation}", isWrite);

    /// <summary>The same for any HTTP call to SuperOffice; <paramref name="call"/> names it in the message.</summary>
    internal static CrmException Classify(Exception e, string call, bool isWrite)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is CrmException refused)
            {
                // The connector refused the resolved address: nothing was sent.
                return refused;
            }
        }

        if (IsTooLarge(e))
        {
            // Before the status: the quota message "(500)" would otherwise read as HTTP 500. Asking again gets the same
            // oversized answer, so a read fails for good. A write's answer came back, so NetServer has most likely
            // committed it, but the answer that says so was never read: uncertain, checked by reference before any retry.
            return isWrite
                ? new CrmException(CrmErrorKind.Uncertain, "ResponseTooLarge", $"{call}: the answer exceeded NetServer:MaxReceivedMessageSize and was refused; the write may have taken effect.", e)
                : new CrmException(CrmErrorKind.Permanent, "ResponseTooLarge", $"{call}: the answer exceeded NetServer:MaxReceivedMessageSize and was refused.", e);
        }

        var status = StatusOf(e);
        switch (e)
        {
            case TimeoutException:
                return isWrite
                    ? new CrmException(CrmErrorKind.Uncertain, "Timeout", $"{call} timed out after it was sent; it may have taken effect.", e)
                    : new CrmException(CrmErrorKind.Transient, "Timeout", $"{call} timed out.", e);
            case ServerTooBusyException:
                return new CrmException(CrmErrorKind.Transient, "Http503", $"{call}: service unavailable (HTTP 503).", e);
            case MessageSecurityException when status is 401 or 403 or null:
                return new CrmException(CrmErrorKind.Permanent, "Http" + (status ?? 401), $"{call}: access denied (HTTP {status ?? 401}).", e);
        }

        if (status is { } code)
        {
            return code switch
            {
                429 => new CrmException(CrmErrorKind.Transient, "Http429", $"{call}: too many requests (HTTP 429).", e),

                // An Online tenant's old host refuses before doing anything, so even a write is certain not to have happened.
                421 => new CrmException(CrmErrorKind.Transient, Online.OnlineErrors.TenantMoved, $"{call}: the tenant is no longer on this host (HTTP 421).", e),
                408 or >= 500 => new CrmException(CrmErrorKind.Transient, $"Http{code}", $"{call}: HTTP {code}.", e),
                _ => new CrmException(CrmErrorKind.Permanent, $"Http{code}", $"{call}: HTTP {code}; check the tenant's NetServer URL and version.", e),
            };
        }

        if (e is EndpointNotFoundException || IsConnectFailure(e))
        {
            // Nothing was delivered: connection refused or host not found.
            return new CrmException(CrmErrorKind.Transient, "ConnectionFailed", $"{call}: cannot connect to NetServer.", e);
        }

        if (e is CommunicationException or HttpRequestException or IOException or ObjectDisposedException)
        {
            return isWrite
                ? new CrmException(CrmErrorKind.Uncertain, "ConnectionDropped", $"{call}: the connection dropped after the request was sent; it may have taken effect.", e)
                : new CrmException(CrmErrorKind.Transient, "ConnectionDropped", $"{call}: the connection dropped.", e);
        }

        if (e is XmlException)
        {
            return new CrmException(CrmErrorKind.Transient, "MalformedResponse", $"{call}: the response was not readable XML.", e);
        }

        return new CrmException(CrmErrorKind.Transient, e.GetType().Name, $"{call} failed: {e.Message}", e);
    }

    /// <summary>
    /// WCF refuses an answer over <see cref="NetServerOptions.MaxReceivedMessageSize"/> with a <see cref="QuotaExceededException"/>
    /// in the chain: from its Content-Length before reading the body, or, when chunked, once the buffer reaches the limit.
    /// </summary>
    private static bool IsTooLarge(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is QuotaExceededException)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConnectFailure(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.TryAgain })
            {
                return true;
            }
        }

        return false;
    }

    private static int? StatusOf(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { StatusCode: { } statusCode })
            {
                return (int)statusCode;
            }

            if (current.Data["HttpStatusCode"] is HttpStatusCode fromData)
            {
                return (int)fromData;
            }

            var match = StatusPattern().Match(current.Message);
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [GeneratedRegex(@"\((\d{3})\)")]
    private static partial Regex StatusPattern();

    private ChannelFactory<IRequestChannel> CreateFactory(Uri url)
    {
        var binding = new BasicHttpBinding(url.Scheme == Uri.UriSchemeHttps ? BasicHttpSecurityMode.Transport : BasicHttpSecurityMode.None)
        {
            MaxReceivedMessageSize = _options.MaxReceivedMessageSize,
            MaxBufferSize = (int)Math.Min(int.MaxValue, _options.MaxReceivedMessageSize),
            SendTimeout = _options.CallTimeout,
            ReceiveTimeout = _options.CallTimeout,
            OpenTimeout = _options.OpenTimeout,
            CloseTimeout = _options.OpenTimeout,
            ReaderQuotas = XmlDictionaryReaderQuotas.Max,
        };
        var factory = new ChannelFactory<IRequestChannel>(binding, new EndpointAddress(url));
        factory.Endpoint.EndpointBehaviors.Add(_connector);
        factory.Open();
        return factory;
    }

    public void Dispose()
    {
        foreach (var factory in _factories.Values.Where(f => f.IsValueCreated).Select(f => f.Value))
        {
            try
            {
                factory.Close();
            }
            catch (CommunicationException)
            {
                factory.Abort();
            }
            catch (TimeoutException)
            {
                factory.Abort();
            }
        }
    }

    /// <summary>Writes a prepared element as the SOAP body.</summary>
    private sealed class ElementBodyWriter(XElement body) : BodyWriter(isBuffered: true)
    {
        protected override void OnWriteBodyContents(XmlDictionaryWriter writer) => body.WriteTo(writer);
    }

    /// <summary>A SOAP header written from an element in the Services namespace.</summary>
    private sealed class ElementHeader(XElement element) : MessageHeader
    {
        public override string Name => element.Name.LocalName;

        public override string Namespace => element.Name.NamespaceName;

        protected override void OnWriteHeaderContents(XmlDictionaryWriter writer, MessageVersion messageVersion)
        {
            foreach (var node in element.Nodes())
            {
                node.WriteTo(writer);
            }
        }
    }
}
