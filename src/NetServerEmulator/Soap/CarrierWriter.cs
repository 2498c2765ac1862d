using System.Xml;

namespace Relay.NetServerEmulator.Soap;

/// <summary>
/// Writes carriers without a schema, as DataContract does for the members it is given: every member in the
/// order the handler lists it (the WSDL's sequence order), in the agent's namespace, null as <c>xsi:nil</c>,
/// lists as repeated items under their own item name. The conformance tests hold its output to the WSDL.
/// </summary>
public static class CarrierWriter
{
    /// <summary>Writes <paramref name="value"/> as element <paramref name="name"/> of namespace <paramref name="ns"/>.</summary>
    public static void WriteElement(XmlWriter writer, string name, string ns, object? value) =>
        WriteElement(writer, name, ns, ns, value);

    private static void WriteElement(XmlWriter writer, string name, string elementNs, string agentNs, object? value)
    {
        writer.WriteStartElement(name, elementNs);
        switch (value)
        {
            case null:
                writer.WriteAttributeString("i", "nil", SchemaWriter.Xsi, "true");
                break;
            case SoapObject carrier:
                foreach (var (member, memberValue) in carrier)
                {
                    WriteElement(writer, member, agentNs, agentNs, memberValue);
                }

                break;
            case SoapList list:
                foreach (var item in list)
                {
                    WriteElement(writer, list.ItemName, list.ItemNamespace ?? agentNs, agentNs, item);
                }

                break;
            case System.Collections.IEnumerable when value is not string:
                throw new InvalidOperationException($"{name}: a list needs its item name; use {nameof(SoapList)}.");
            default:
                writer.WriteString(SchemaWriter.Format(value));
                break;
        }

        writer.WriteEndElement();
    }
}
