using System.Text;
using System.Xml;
using System.Xml.Linq;
using Relay.NetServerEmulator.Wsdl;

namespace Relay.NetServerEmulator.Soap;

/// <summary>What the emulator answers on the wire: NetServer responses with their headers, and WCF's SOAP 1.1 faults.</summary>
internal static class SoapReplies
{
    /// <summary>The SOAP 1.1 envelope namespace.</summary>
    public const string Envelope = "http://schemas.xmlsoap.org/soap/envelope/";

    /// <summary>
    /// Writes a NetServer response: the operation's output headers and the response body. With the agent's WSDL
    /// (<paramref name="contract"/>) every member of the schema is written; without it, the members the handler gave.
    /// With a <c>Content-Length</c>, as WCF's buffered answers on IIS have, unless <paramref name="chunked"/>.
    /// </summary>
    public static async Task WriteResponseAsync(HttpContext context, string ns, OperationContract operation, AgentContract? contract, SoapObject? result, NetServerException? failure, bool chunked = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true }))
        {
            void Write(string name, object? value)
            {
                if (contract is null)
                {
                    CarrierWriter.WriteElement(writer, name, ns, value);
                }
                else
                {
                    SchemaWriter.WriteElement(writer, contract.Element(name), value);
                }
            }

            writer.WriteStartElement("s", "Envelope", Envelope);
            writer.WriteAttributeString("xmlns", "i", null, SchemaWriter.Xsi);
            writer.WriteStartElement("s", "Header", Envelope);
            foreach (var headerName in operation.OutputHeaders)
            {
                Write(headerName, headerName switch
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
                });
            }

            writer.WriteEndElement();
            writer.WriteStartElement("s", "Body", Envelope);
            Write(operation.OutputElement, result ?? new SoapObject());
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/xml; charset=utf-8";
        if (!chunked)
        {
            context.Response.ContentLength = buffer.Length;
        }

        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>A SOAP 1.1 fault as WCF writes it, HTTP 500; <paramref name="code"/> is prefixed <c>s:</c> (envelope) or <c>a:</c> (WCF's).</summary>
    public static async Task WriteFaultAsync(HttpContext context, string code, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "text/xml; charset=utf-8";
        var fault = new XElement(
            XName.Get("Envelope", Envelope),
            new XAttribute(XNamespace.Xmlns + "s", Envelope),
            new XElement(
                XName.Get("Body", Envelope),
                new XElement(
                    XName.Get("Fault", Envelope),
                    new XElement("faultcode", new XAttribute(XNamespace.Xmlns + "a", "http://schemas.microsoft.com/ws/2005/05/addressing/none"), code),
                    new XElement("faultstring", new XAttribute(XNamespace.Xml + "lang", "en-US"), reason))));
        await context.Response.WriteAsync(fault.ToString(SaveOptions.DisableFormatting), context.RequestAborted);
    }

    /// <summary>WCF's answer to a header marked <c>mustUnderstand</c> that the operation does not know.</summary>
    public static Task WriteMustUnderstandFaultAsync(HttpContext context, XName header) =>
        WriteFaultAsync(
            context,
            "s:MustUnderstand",
            $"The header '{header.LocalName}' from the namespace '{header.NamespaceName}' was not understood by the recipient of this message, causing the message to not be processed.  " +
            "This error typically indicates that the sender of this message has enabled a communication protocol that the receiver cannot process.  " +
            "Please ensure that the configuration of the client's binding is consistent with the service's binding. ");
}
