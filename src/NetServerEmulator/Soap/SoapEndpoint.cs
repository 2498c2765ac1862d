using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Relay.NetServerEmulator.Agents;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Faults;
using Relay.NetServerEmulator.Wsdl;

namespace Relay.NetServerEmulator.Soap;

/// <summary>One call the emulator received, for <c>GET /admin/requests</c> and for tests that inspect the wire.</summary>
public sealed record RequestLogEntry(
    long Sequence,
    DateTimeOffset At,
    string Path,
    string Version,
    string Agent,
    string Operation,
    string? SoapAction,
    string? ContentType,
    int Status,
    string Outcome,
    double DurationMs,
    string RequestEnvelope);

/// <summary>The recent calls, newest last, bounded.</summary>
public sealed class RequestLog
{
    private const int Capacity = 2000;
    private readonly Lock _gate = new();
    private readonly Queue<RequestLogEntry> _entries = new();
    private long _sequence;

    /// <summary>Adds a call.</summary>
    public void Add(Func<long, RequestLogEntry> create)
    {
        lock (_gate)
        {
            _entries.Enqueue(create(++_sequence));
            while (_entries.Count > Capacity)
            {
                _entries.Dequeue();
            }
        }
    }

    /// <summary>How many calls were ever logged, including those no longer kept.</summary>
    public long Total
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>A snapshot, oldest first.</summary>
    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    /// <summary>Forgets every call.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}

/// <summary>Emulator behaviour switches.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Refuse requests whose body or headers do not validate against the WSDL (as NetServer's serializer would misread them).</summary>
    public bool ValidateRequests { get; set; } = true;

    /// <summary>When set, calls other than SoPrincipal must carry this <c>ApplicationToken</c> (as Online requires).</summary>
    public string? RequiredApplicationToken { get; set; }
}

/// <summary>
/// Serves NetServer's SOAP agents at <c>[/CustNNNNN or /app]/Remote/Services{75|88}/{Agent}.svc</c>: the WSDL on
/// <c>GET ?wsdl</c>, SOAP 1.1 calls on POST, with fault injection and a request log.
/// </summary>
public sealed partial class SoapEndpoint
{
    private const string SoapEnvelope = "http://schemas.xmlsoap.org/soap/envelope/";
    private readonly WsdlLibrary _wsdl;
    private readonly EmulatorStore _store;
    private readonly FaultInjector _faults;
    private readonly RequestLog _log;
    private readonly EmulatorOptions _options;

    /// <summary>Creates the endpoint.</summary>
    public SoapEndpoint(WsdlLibrary wsdl, EmulatorStore store, FaultInjector faults, RequestLog log, EmulatorOptions options)
    {
        _wsdl = wsdl;
        _store = store;
        _faults = faults;
        _log = log;
        _options = options;
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
        var agent = WsdlLibrary.Agents.FirstOrDefault(a => string.Equals(a, match.Groups["agent"].Value, StringComparison.OrdinalIgnoreCase));
        if (agent is null || !WsdlLibrary.Versions.Contains(version) || !_wsdl.Has(version, agent))
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
        var text = await File.ReadAllTextAsync(_wsdl.PathOf(version, agent), context.RequestAborted);
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
        var contract = _wsdl.Get(version, agent);
        var soapAction = context.Request.Headers["SOAPAction"].ToString().Trim('"');
        var contentType = context.Request.ContentType;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var envelopeText = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var operation = contract.FindByAction(soapAction);
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
            await WriteFaultAsync(context, "a:ActionNotSupported", $"The message with Action '{soapAction}' cannot be processed at the receiver.");
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
            if (body.Name != XName.Get(operation.InputElement, contract.Namespace))
            {
                throw new XmlException($"Expected body element {{{contract.Namespace}}}{operation.InputElement}, got {body.Name}.");
            }

            if (_options.ValidateRequests)
            {
                var problems = contract.Validate(body).ToList();
                foreach (var h in header?.Elements() ?? [])
                {
                    problems.AddRange(h.Name.NamespaceName == contract.Namespace && operation.InputHeaders.Contains(h.Name.LocalName)
                        ? contract.Validate(h)
                        : [$"Unexpected header {h.Name}."]);
                }

                if (problems.Count > 0)
                {
                    throw new XmlException(string.Join(" ", problems));
                }
            }
        }
        catch (XmlException e)
        {
            outcome = "deserialization failed: " + e.Message;
            await WriteFaultAsync(context, "a:DeserializationFailed", "The formatter threw an exception while trying to deserialize the message: " + e.Message);
            Log(500);
            return;
        }

        var hangMs = 0;
        foreach (var rule in _faults.Draw(agent, operation.Name))
        {
            switch (rule.Kind)
            {
                case FaultKind.Latency:
                    await Task.Delay(rule.LatencyMs, context.RequestAborted);
                    continue;
                case FaultKind.TimeoutAfterCommit:
                    hangMs = rule.HangMs;
                    continue;
                case FaultKind.DropConnection:
                    outcome = "fault: dropped connection";
                    Log(0);
                    context.Abort();
                    return;
                case FaultKind.Http500:
                    outcome = "fault: HTTP 500";
                    await WriteFaultAsync(context, "s:Server", "The server was unable to process the request due to an internal error.");
                    Log(500);
                    return;
                case FaultKind.Http503:
                    outcome = "fault: HTTP 503";
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.ContentType = "text/html";
                    await context.Response.WriteAsync("<html><body><h1>Service Unavailable</h1></body></html>", context.RequestAborted);
                    Log(503);
                    return;
                case FaultKind.Http429:
                    outcome = "fault: HTTP 429";
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = "1";
                    context.Response.ContentType = "text/plain";
                    await context.Response.WriteAsync("Too many requests", context.RequestAborted);
                    Log(429);
                    return;
                case FaultKind.ExceptionInfo:
                    outcome = "fault: ExceptionInfo " + rule.ExceptionType;
                    await WriteResponseAsync(context, contract, operation, null, new NetServerException(rule.Message, rule.ExceptionType));
                    Log(200);
                    return;
            }
        }

        SoapObject? result = null;
        NetServerException? failure = null;
        try
        {
            var user = Authenticate(contract, header);
            result = AgentHandlers.Handle(new SoapCall(contract, operation, body, header, _store, user));
        }
        catch (NetServerException e)
        {
            failure = e;
            outcome = "ExceptionInfo " + e.ExceptionType;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            failure = new NetServerException(e.Message, e.GetType().Name);
            outcome = "ExceptionInfo " + e.GetType().Name;
        }

        if (hangMs > 0)
        {
            // The write is done; the caller never hears about it.
            outcome = "fault: timeout after commit";
            Log(0);
            try
            {
                await Task.Delay(hangMs, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            context.Abort();
            return;
        }

        await WriteResponseAsync(context, contract, operation, result, failure);
        Log(200);
    }

    private AssociateRecord? Authenticate(AgentContract contract, XElement? header)
    {
        if (_options.RequiredApplicationToken is { } required && header.Str("ApplicationToken") != required)
        {
            throw new NetServerException("The application token is missing or invalid", "SoApplicationTokenException");
        }

        if (contract.Agent == "SoPrincipal")
        {
            return null;
        }

        var ticket = header.El("Credentials").Str("Ticket");
        return _store.UseTicket(ticket)
            ?? throw new NetServerException(
                ticket is null ? "No credentials were supplied" : "The ticket is invalid or has expired; authenticate again",
                "SoSessionExpiredException");
    }

    /// <summary>Writes a NetServer response: the WSDL's output headers and the response body.</summary>
    private static async Task WriteResponseAsync(HttpContext context, AgentContract contract, OperationContract operation, SoapObject? result, NetServerException? failure)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("s", "Envelope", SoapEnvelope);
            writer.WriteAttributeString("xmlns", "i", null, SchemaWriter.Xsi);
            writer.WriteStartElement("s", "Header", SoapEnvelope);
            foreach (var headerName in operation.OutputHeaders)
            {
                object? value = headerName switch
                {
                    "ExceptionInfo" when failure is not null => new SoapObject
                    {
                        ["Message"] = failure.Message,
                        ["FriendlyText"] = failure.Message,
                        ["ExceptionType"] = failure.ExceptionType,
                        ["Source"] = "SuperOffice.NetServer (emulator)",
                    },
                    "Succeeded" => failure is null,
                    _ => null,
                };
                SchemaWriter.WriteElement(writer, contract.Element(headerName), value);
            }

            writer.WriteEndElement();
            writer.WriteStartElement("s", "Body", SoapEnvelope);
            SchemaWriter.WriteElement(writer, contract.Element(operation.OutputElement), result ?? new SoapObject());
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static async Task WriteFaultAsync(HttpContext context, string code, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "text/xml; charset=utf-8";
        var fault = new XElement(
            XName.Get("Envelope", SoapEnvelope),
            new XAttribute(XNamespace.Xmlns + "s", SoapEnvelope),
            new XElement(
                XName.Get("Body", SoapEnvelope),
                new XElement(
                    XName.Get("Fault", SoapEnvelope),
                    new XElement("faultcode", new XAttribute(XNamespace.Xmlns + "a", "http://schemas.microsoft.com/ws/2005/05/addressing/none"), code),
                    new XElement("faultstring", new XAttribute(XNamespace.Xml + "lang", "en-US"), reason))));
        await context.Response.WriteAsync(fault.ToString(SaveOptions.DisableFormatting), context.RequestAborted);
    }
}
