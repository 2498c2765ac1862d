using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Relay.Crm.NetServer;

/// <summary>Reading and editing NetServer's DataContract XML by local name.</summary>
internal static class NetServerXml
{
    public static readonly XNamespace Arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>The first child with this local name, unless it is absent or nil.</summary>
    public static XElement? Child(this XElement? element, string name)
    {
        var child = element?.Elements().FirstOrDefault(e => e.Name.LocalName == name);
        return child is null || IsNil(child) ? null : child;
    }

    /// <summary>Children with this local name that are not nil.</summary>
    public static IEnumerable<XElement> Children(this XElement? element, string name) =>
        element?.Elements().Where(e => e.Name.LocalName == name && !IsNil(e)) ?? [];

    /// <summary>A member's text, null when absent or nil.</summary>
    public static string? Text(this XElement? element, string name) => element.Child(name)?.Value;

    /// <summary>An <c>xs:int</c> member, 0 when absent.</summary>
    public static int Number(this XElement? element, string name) =>
        int.TryParse(element.Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public static bool IsNil(XElement element) => (string?)element.Attribute(Xsi + "nil") == "true";

    /// <summary>An archive display value without NetServer's encoding (<c>[I:58]</c> → <c>58</c>).</summary>
    public static string? Decode(string? value) =>
        value is { Length: > 3 } && value[0] == '[' && value[^1] == ']' && value.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
            && EncodedTypes.Contains(value[1..colon], StringComparer.Ordinal)
            ? value[(colon + 1)..^1]
            : value;

    // NetServer's archive value encodings: int, float, date, datetime, money, time, bool.
    private static readonly string[] EncodedTypes = ["I", "F", "D", "DT", "M", "T", "B"];

    /// <summary>An <c>xs:dateTime</c> as NetServer writes it (no offset; the <c>TimeZone</c> header says UTC).</summary>
    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Format(double value) => XmlConvert.ToString(value);

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Replaces a member of a carrier, or inserts it at its place in <paramref name="order"/> when the server left it
    /// out; a sequence out of order would be misread by NetServer's serializer.
    /// </summary>
    public static void SetMember(this XElement carrier, IReadOnlyList<string> order, string name, params object?[] content)
    {
        var ns = carrier.Name.Namespace;
        var replacement = new XElement(ns + name, content);
        var existing = carrier.Elements().FirstOrDefault(e => e.Name.LocalName == name);
        if (existing is not null)
        {
            existing.ReplaceWith(replacement);
            return;
        }

        var position = IndexOf(order, name);
        var before = carrier.Elements().FirstOrDefault(e => IndexOf(order, e.Name.LocalName) > position);
        if (before is not null)
        {
            before.AddBeforeSelf(replacement);
        }
        else
        {
            carrier.Add(replacement);
        }
    }

    private static int IndexOf(IReadOnlyList<string> order, string name)
    {
        for (var i = 0; i < order.Count; i++)
        {
            if (order[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{name} is not a known member.");
    }

    /// <summary>A renamed copy of a carrier (NetServer returns it as <c>Response</c>; a save takes it as e.g. <c>PersonEntity</c>).</summary>
    public static XElement Renamed(this XElement element, XName name) => new(name, element.Attributes(), element.Nodes());

    /// <summary>An <c>ArrayOfstring</c> member.</summary>
    public static XElement Strings(XName name, IEnumerable<string> values) =>
        new(name, new XAttribute(XNamespace.Xmlns + "a", Arrays.NamespaceName), values.Select(v => new XElement(Arrays + "string", v)));

    /// <summary>An <c>ArrayOfint</c> member.</summary>
    public static XElement Ints(XName name, IEnumerable<int> values) =>
        new(name, new XAttribute(XNamespace.Xmlns + "a", Arrays.NamespaceName), values.Select(v => new XElement(Arrays + "int", Format(v))));

    /// <summary>An <c>ArrayOfEntityElement</c> with one value (e-mail, phone), or empty.</summary>
    public static object[] EntityElements(XNamespace ns, string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : [new XElement(ns + "EntityElement", new XElement(ns + "Value", value.Trim()))];
}
