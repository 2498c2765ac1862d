using System.Globalization;
using System.Xml.Linq;
using Relay.NetServerEmulator.Data;

namespace Relay.NetServerEmulator.Soap;

/// <summary>One SOAP call being handled: the operation, its body element and who made it.</summary>
public sealed class SoapCall
{
    /// <summary>Creates the call context.</summary>
    public SoapCall(string version, string agent, OperationContract operation, XElement body, XElement? header, EmulatorStore store, AssociateRecord? user)
    {
        Version = version;
        Agent = agent;
        Operation = operation;
        Body = body;
        Header = header;
        Store = store;
        User = user;
    }

    /// <summary>The endpoint version, "75" or "88".</summary>
    public string Version { get; }

    /// <summary>The agent called, e.g. <c>Person</c>.</summary>
    public string Agent { get; }

    public OperationContract Operation { get; }

    /// <summary>The request element, e.g. <c>&lt;FindAddress&gt;</c>.</summary>
    public XElement Body { get; }

    /// <summary>The request headers the operation declares (others are left out).</summary>
    public XElement? Header { get; }
    public EmulatorStore Store { get; }

    /// <summary>The associate whose ticket came with the call (null for SoPrincipal).</summary>
    public AssociateRecord? User { get; }

    /// <summary>Reads an <c>xs:int</c> member of the request.</summary>
    public int Int(string name) => Body.Int(name);

    /// <summary>Reads a string member of the request.</summary>
    public string? Str(string name) => Body.Str(name);
}

/// <summary>A failure NetServer reports in the <c>ExceptionInfo</c> response header.</summary>
public sealed class NetServerException : Exception
{
    public NetServerException()
    {
        ExceptionType = "SoException";
    }

    public NetServerException(string message)
        : base(message)
    {
        ExceptionType = "SoException";
    }

    public NetServerException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExceptionType = "SoException";
    }

    /// <summary>A failure with NetServer's exception type name.</summary>
    public NetServerException(string message, string exceptionType)
        : base(message)
    {
        ExceptionType = exceptionType;
    }

    /// <summary>The <c>ExceptionType</c> reported, e.g. <c>EntityNotFoundException</c>.</summary>
    public string ExceptionType { get; }

    /// <summary>An entity that does not exist.</summary>
    public static NetServerException NotFound(string entity, int id) => new($"{entity} {id} was not found", "EntityNotFoundException");

    /// <summary>A request NetServer refuses as invalid.</summary>
    public static NetServerException Validation(string message) => new(message, "SoValidationException");
}

/// <summary>Reading DataContract XML by local name (members are qualified, array items use the Arrays namespace).</summary>
public static class XmlRead
{
    /// <summary>The first child with this local name, unless it is nil.</summary>
    public static XElement? El(this XElement? element, string name)
    {
        var child = element?.Elements().FirstOrDefault(e => e.Name.LocalName == name);
        return child is null || IsNil(child) ? null : child;
    }

    /// <summary>The children with this local name.</summary>
    public static IEnumerable<XElement> Els(this XElement? element, string name) =>
        element?.Elements().Where(e => e.Name.LocalName == name && !IsNil(e)) ?? [];

    /// <summary>A string member, null when absent or nil.</summary>
    public static string? Str(this XElement? element, string name) => element.El(name)?.Value;

    /// <summary>An int member, 0 when absent.</summary>
    public static int Int(this XElement? element, string name) =>
        int.TryParse(element.Str(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>A double member, 0 when absent.</summary>
    public static double Double(this XElement? element, string name) =>
        double.TryParse(element.Str(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>A boolean member, false when absent.</summary>
    public static bool Bool(this XElement? element, string name) => element.Str(name) is "true" or "1";

    /// <summary>A dateTime member, <see cref="DateTime.MinValue"/> when absent.</summary>
    public static DateTime Date(this XElement? element, string name) =>
        DateTime.TryParse(element.Str(name), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? DateTime.SpecifyKind(value, DateTimeKind.Unspecified)
            : DateTime.MinValue;

    /// <summary>Whether the element carries <c>xsi:nil="true"</c>.</summary>
    public static bool IsNil(XElement element) => (string?)element.Attribute(XName.Get("nil", SchemaWriter.Xsi)) == "true";
}
