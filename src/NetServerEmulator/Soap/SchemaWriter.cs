using System.Collections;
using System.Globalization;
using System.Xml;
using System.Xml.Schema;

namespace Relay.NetServerEmulator.Soap;

/// <summary>
/// Writes carriers the way NetServer's DataContract serializer does, driven by the WSDL's schema: every
/// member in sequence order (base <c>Carrier</c> members first), missing reference members as
/// <c>xsi:nil</c>, missing value members as their defaults, enums as names, arrays as repeated items.
/// </summary>
public static class SchemaWriter
{
    /// <summary>The XML Schema instance namespace.</summary>
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>Writes a global element with its value (a <see cref="SoapObject"/>, a list or a simple value).</summary>
    public static void WriteElement(XmlWriter writer, XmlSchemaElement element, object? value)
    {
        var name = element.QualifiedName;
        var type = element.ElementSchemaType!;
        if (value is null)
        {
            if (element.IsNillable)
            {
                writer.WriteStartElement(name.Name, name.Namespace);
                writer.WriteAttributeString("i", "nil", Xsi, "true");
                writer.WriteEndElement();
            }
            else if (type is XmlSchemaSimpleType simple)
            {
                writer.WriteElementString(name.Name, name.Namespace, DefaultOf(simple));
            }
            else if (type is XmlSchemaComplexType complex && IsEmptySequence(complex))
            {
                writer.WriteStartElement(name.Name, name.Namespace);
                writer.WriteEndElement();
            }

            return;
        }

        writer.WriteStartElement(name.Name, name.Namespace);
        switch (type)
        {
            case XmlSchemaSimpleType:
                writer.WriteString(Format(value));
                break;
            case XmlSchemaComplexType complex when value is SoapObject carrier:
                WriteMembers(writer, complex, carrier);
                break;
            case XmlSchemaComplexType complex when value is IEnumerable items && value is not string:
                var item = Members(complex).SingleOrDefault(m => m.MaxOccurs > 1)
                    ?? throw new InvalidOperationException($"{name} is not an array type; got a list.");
                foreach (var entry in items)
                {
                    WriteElement(writer, item, entry);
                }

                break;
            case XmlSchemaComplexType complex when complex.ContentType == XmlSchemaContentType.TextOnly:
                writer.WriteString(Format(value));
                break;
            default:
                throw new InvalidOperationException($"Cannot write {value.GetType().Name} as {name}.");
        }

        writer.WriteEndElement();
    }

    private static void WriteMembers(XmlWriter writer, XmlSchemaComplexType type, SoapObject carrier)
    {
        var (members, names) = MemberCache.GetOrAdd(type, t =>
        {
            var list = Members(t);
            return (list, list.Select(m => m.QualifiedName.Name).ToHashSet(StringComparer.Ordinal));
        });
        foreach (var key in carrier.Keys)
        {
            if (!names.Contains(key))
            {
                throw new InvalidOperationException($"The WSDL type {type.QualifiedName} has no member {key}.");
            }
        }

        foreach (var member in members)
        {
            WriteElement(writer, member, carrier.GetValueOrDefault(member.QualifiedName.Name));
        }
    }

    /// <summary>Members per type, computed once: an archive page writes the same few types tens of thousands of times.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<XmlSchemaComplexType, (IReadOnlyList<XmlSchemaElement> Members, HashSet<string> Names)> MemberCache =
        new(ReferenceEqualityComparer.Instance);

    /// <summary>The element members of a complex type, base members first, in sequence order.</summary>
    public static IReadOnlyList<XmlSchemaElement> Members(XmlSchemaComplexType type)
    {
        var list = new List<XmlSchemaElement>();
        Collect(type.ContentTypeParticle, list);
        return list;
    }

    private static void Collect(XmlSchemaParticle? particle, List<XmlSchemaElement> into)
    {
        switch (particle)
        {
            case XmlSchemaElement element:
                into.Add(element);
                break;
            case XmlSchemaGroupBase group:
                foreach (var item in group.Items)
                {
                    Collect(item as XmlSchemaParticle, into);
                }

                break;
        }
    }

    private static bool IsEmptySequence(XmlSchemaComplexType type) => Members(type).Count == 0;

    private static string DefaultOf(XmlSchemaSimpleType type)
    {
        if (type.QualifiedName.Name == "guid")
        {
            return Guid.Empty.ToString();
        }

        if (type.Content is XmlSchemaSimpleTypeRestriction restriction)
        {
            var first = restriction.Facets.OfType<XmlSchemaEnumerationFacet>().FirstOrDefault();
            if (first is not null)
            {
                return first.Value!;
            }
        }

        if (type.Content is XmlSchemaSimpleTypeList)
        {
            return string.Empty;
        }

        return type.Datatype?.TypeCode switch
        {
            XmlTypeCode.Boolean => "false",
            XmlTypeCode.DateTime => "0001-01-01T00:00:00",
            XmlTypeCode.Duration => "PT0S",
            XmlTypeCode.String or XmlTypeCode.AnyUri or XmlTypeCode.QName or XmlTypeCode.Base64Binary => string.Empty,
            _ => "0",
        };
    }

    /// <summary>Formats a simple value as DataContract XML text.</summary>
    public static string Format(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        TimeSpan t => XmlConvert.ToString(t),
        double d => XmlConvert.ToString(d),
        Enum e => e.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
