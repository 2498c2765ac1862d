using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Relay.NetServerEmulator.Agents;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Online;
using Relay.NetServerEmulator.Wsdl;

namespace Relay.NetServerEmulator.Soap;

/// <summary>
/// Serves NetServer's SOAP agents at <c>[/CustNNNNN or /app]/Remote/Services{75|88}/{Agent}.svc</c>: SOAP 1.1 calls
/// on POST, from the emulator's own <see cref="OperationTable"/>, with fault injection and a request log. When
/// SuperOffice's WSDL files are present it also serves them on <c>GET ?wsdl</c> and validates requests against them.
/// </summary>
public sealed partial class SoapEndpoint
{
    private const string SoapEnvelope = SoapReplies.Envelope;
    private readonly WsdlLookup _wsdl;
    private readonly EmulatorStore _store;
    private readonly FaultInjector _faults;
    private readonly RequestLog _log;
    private readonly EmulatorOptions _options;
    private readonly OnlineApplications _applications;

    /// <summary>Creates the endpoint.</summary>
    public SoapEndpoint(WsdlLookup wsdl, EmulatorStore store, FaultInjector faults, RequestLog log, EmulatorOptions options, OnlineApplications applications)
    {
        _wsdl = wsdl;
        _store = store;
        _faults = faults;
        _log = log;
        _options = options;
        _applications = applications;
    }

    [GeneratedRegex(@"^(?:/[\w.-]+)?/Remote/Services(?<version>\d+)/(?<agent>\w+)\.svc$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();

    /// <summary>Handles the request when its path is an agent endpoint; returns false otherwise.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context)
    {
        var match = PathPattern().Match(context.Request.Path.Value ?? string.Empty);
        if (!match.Success)
        {
            return false;
        }

        var version = match.Groups["version"].Value;
        var agent = OperationTable.Agents.FirstOrDefault(a => string.Equals(a, match.Groups["agent"].Value, StringComparison.OrdinalIgnoreCase));
        if (agent is null || !OperationTable.Versions.Contains(version))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return true;
        }

        if (HttpMethods.IsGet(context.Request.Method))
        {
            await ServeWsdlAsync(context, version, agent);
            return true;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return true;
        }

        await HandleCallAsync(context, version, agent);
        return true;
    }

    private async Task ServeWsdlAsync(HttpContext context, string version, string agent)
    {
        if (_wsdl.Library is not { } library || !library.Has(version, agent))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"No WSDL for Services{version}/{agent}: this emulator runs without SuperOffice's WSDL files, which Relay does not ship. " +
                $"{WsdlLibrary.Origin}. Looked for them: {_wsdl.Searched}. Put them in ../shared/netserver-wsdl beside the repository, " +
                $"or point {WsdlLibrary.FolderVariable} (or the emulator's WsdlFolder setting) at the folder that holds Services75/ and Services88/.\n",
                context.RequestAborted);
            return;
        }

        var text = await File.ReadAllTextAsync(library.PathOf(version, agent), context.RequestAborted);
        var self = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}";
        text = LocationPattern().Replace(text, $"location=\"{self}\"");
        context.Response.ContentType = "text/xml; charset=UTF-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    [GeneratedRegex("location=\"[^\"]*\"")]
    private static partial Regex LocationPattern();

    private async Task HandleCallAsync(HttpContext context, string version, string agent)
    {
        var started = Stopwatch.GetTimestamp();
        var contract = _wsdl.Library is { } library && library.Has(version, agent) ? library.Get(version, agent) : null;
        var ns = OperationTable.NamespaceOf(version);
        var soapAction = context.Request.Headers["SOAPAction"].ToString().Trim('"');
        var contentType = context.Request.ContentType;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var envelopeText = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);

        // With the WSDL at hand, an operation it declares that the emulator lacks is still recognised: NetServer knows it,
        // so the caller hears NotSupportedException in ExceptionInfo rather than a fault about its action.
        var operation = OperationTable.Find(version, agent, soapAction) ?? contract?.FindByAction(soapAction);
        var outcome = "ok";

        void Log(int status) => _log.Add(sequence => new RequestLogEntry(
            sequence, _store.Now, context.Request.Path.Value ?? string.Empty, version, agent, operation?.Name ?? "?", soapAction,
            contentType, status, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds, envelopeText));

        if (contentType is null || !contentType.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase))
        {
            outcome = "unsupported media type";
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            Log(415);
            return;
        }

        if (operation is null)
        {
            outcome = "action not supported";
            await SoapReplies.WriteFaultAsync(context, "a:ActionNotSupported", $"The message with Action '{soapAction}' cannot be processed at the receiver.");
            Log(500);
            return;
        }

        XElement? header;
        XElement body;
        try
        {
            var envelope = XElement.Parse(envelopeText);
            if (envelope.Name != XName.Get("Envelope", SoapEnvelope))
            {
                throw new XmlException($"Expected a SOAP 1.1 Envelope, got {envelope.Name}.");
            }

            header = envelope.Element(XName.Get("Header", SoapEnvelope));
            body = envelope.Element(XName.Get("Body", SoapEnvelope))?.Elements().FirstOrDefault()
                ?? throw new XmlException("The SOAP Body is empty.");
            if (body.Name != XName.Get(operation.InputElement, ns))
            {
                throw new XmlException($"Expected body element {{{ns}}}{operation.InputElement}, got {body.Name}.");
            }

            // As WCF's basicHttpBinding: a header the operation does not declare is ignored, unless it must be understood.
            var known = header?.Elements().Where(h => h.Name.NamespaceName == ns && operation.InputHeaders.Contains(h.Name.LocalName)).ToList() ?? [];
            if (header?.Elements().Except(known).FirstOrDefault(MustUnderstand) is { } unknown)
            {
                outcome = "must understand " + unknown.Name;
                await SoapReplies.WriteMustUnderstandFaultAsync(context, unknown.Name);
                Log(500);
                return;
            }

            header = new XElement(XName.Get("Header", SoapEnvelope), known);
            if (_options.ValidateRequests && contract is not null)
            {
                var problems = contract.Validate(body).Concat(known.SelectMany(contract.Validate)).ToList();
                if (problems.Count > 0)
                {
                    throw new XmlException(string.Join(" ", problems));
                }
            }
        }
        catch (XmlException e)
        {
            outcome = "deserialization failed: " + e.Message;
            await SoapReplies.WriteFaultAsync(context, "a:DeserializationFailed", "The formatter threw an exception while trying to deserialize the message: " + e.Message);
            Log(500);
            return;
        }

        var plan = await FaultPlan.DrawAsync(_faults, agent, operation.Name, context.RequestAborted);
        if (plan.Refusal is { } rule)
        {
            outcome = FaultPlan.RefusalOutcome(rule);
            if (await FaultPlan.TryWriteCommonRefusalAsync(context, rule, Log))
            {
                return;
            }

            if (rule.Kind == FaultKind.Http500)
            {
                await SoapReplies.WriteFaultAsync(context, "s:Server", "The server was unable to process the request due to an internal error.");
                Log(500);
                return;
            }

            await SoapReplies.WriteResponseAsync(context, ns, operation, contract, null, new NetServerException(rule.Message, rule.ExceptionType), _options.ChunkedResponses);
            Log(200);
            return;
        }

        await plan.HoldBeforeCommitAsync();

        var (result, failure) = AgentHandlers.Run(() =>
            AgentHandlers.Handle(new SoapCall(version, agent, operation, body, header, _store, Authenticate(agent, header, OnlineGate.IsOnline(context)))));
        if (failure is not null)
        {
            outcome = "ExceptionInfo " + failure.ExceptionType;
        }

        if (plan.HangsUp)
        {
            // The write is done; the caller never hears about it.
            outcome = plan.HangUpOutcome;
            Log(0);
            await plan.HangUpAsync(context);
            return;
        }

        await SoapReplies.WriteResponseAsync(context, ns, operation, contract, result, failure, _options.ChunkedResponses);
        Log(200);
    }

    private static bool MustUnderstand(XElement header) =>
        (string?)header.Attribute(XName.Get("mustUnderstand", SoapEnvelope)) is "1" or "true";

    private AssociateRecord? Authenticate(string agent, XElement? header, bool online)
    {
        if (online && _applications.FindBySecret(header.Str("ApplicationToken")) is null)
        {
            throw new NetServerException("An ApplicationToken of a registered application is required to access an Online tenant", "ApplicationTokenRequired");
        }

        if (_options.RequiredApplicationToken is { } required && header.Str("ApplicationToken") != required)
        {
            throw new NetServerException("The application token is missing or invalid", "SoApplicationTokenException");
        }

        if (agent == "SoPrincipal")
        {
            return null;
        }

        var ticket = header.El("Credentials").Str("Ticket");
        return _store.UseTicket(ticket)
            ?? throw new NetServerException(
                ticket is null ? "No credentials were supplied" : "The ticket is invalid or has expired; authenticate again",
                "SoSessionExpiredException");
    }
}
