using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Rest;

/// <summary>
/// Turns REST Agents JSON into the request carrier the SOAP handlers read (elements by local name, arrays as wrapper
/// elements with item children), and a handler's answer back into JSON as NetServer's WebAPI writes it.
/// </summary>
public static class RestJson
{
    /// <summary>The item element of each array member the handlers read (SOAP's <c>ArrayOfX</c> item names).</summary>
    private static readonly FrozenDictionary<string, string> ItemNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Emails"] = "EntityElement", ["Urls"] = "EntityElement", ["OfficePhones"] = "EntityElement", ["MobilePhones"] = "EntityElement",
        ["PrivatePhones"] = "EntityElement", ["OtherPhones"] = "EntityElement", ["Faxes"] = "EntityElement", ["Phones"] = "EntityElement",
        ["ChatEmails"] = "EntityElement", ["InternetPhones"] = "EntityElement", ["Pagers"] = "EntityElement",
        ["Interests"] = "SelectableMDOListItem",
        ["ContactPersonIds"] = "ContactPersonId",
        ["ProjectMembers"] = "ProjectMember",
        ["Restriction"] = "ArchiveRestrictionInfo", ["Restrictions"] = "ArchiveRestrictionInfo", ["SubRestrictions"] = "ArchiveRestrictionInfo",
        ["SortOrder"] = "ArchiveOrderByInfo",
        ["Columns"] = "string", ["DesiredColumns"] = "string", ["Entities"] = "string", ["Values"] = "string", ["DisplayValues"] = "string",
        ["MemberIds"] = "int", ["AssociateIds"] = "int", ["SecondaryGroups"] = "int",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The member names the handlers read, so a JSON member spelled in another case still reaches them (WebAPI binds
    /// case-insensitively); other members keep their JSON spelling.
    /// </summary>
    private static readonly FrozenDictionary<string, string> KnownNames = new[]
    {
        "Address", "Amount", "AppointmentEntity", "AppointmentEntityId", "Associate", "AssociateId", "AssociateIds", "Business", "Category",
        "Columns", "Comment", "Completed", "Contact", "ContactEntity", "ContactEntityId", "ContactId", "ContactPersonIds", "Country", "CountryId",
        "Description", "DesiredColumns", "Direction", "Emails", "EndDate", "Entities", "Firstname", "ForceFlatList", "AdditionalInfo", "OnlyHistory",
        "Heading", "Id", "IncludeDeleted", "Interests", "InterOperator", "IsActive", "Lastname", "LegalBase", "MemberIds", "MobilePhones", "Name",
        "OfficePhones", "Operator", "OrgNr", "Page", "PageNumber", "PageSize", "Person", "PersonEntity", "PersonEntityId", "PersonId", "Probability",
        "ProjectEntityId", "ProjectId", "ProjectMembers", "ProviderName", "Purpose", "Restriction", "Restrictions", "SaleEntity", "SaleEntityId",
        "SaleId", "SaleText", "SaleType", "Saledate", "Selected", "SelectionId", "SortOrder", "Source", "StartDate", "Status", "Task",
        "TaskListItemId", "Title", "Type", "Urls", "Value", "Values",
    }.ToFrozenDictionary(n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>The member <paramref name="name"/> as a carrier element; null for JSON null (the member is absent).</summary>
    public static XElement? ToElement(string name, JsonElement value)
    {
        name = KnownNames.GetValueOrDefault(name, name);
        var element = new XElement(XmlConvert.EncodeLocalName(name));
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Object:
                element.Add(value.EnumerateObject().Select(p => ToElement(p.Name, p.Value)));
                break;
            case JsonValueKind.Array:
                var itemName = ItemNames.GetValueOrDefault(name);
                element.Add(value.EnumerateArray().Select(item => ToElement(itemName ?? ItemNameOf(item), item)));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                element.Value = value.GetBoolean() ? "true" : "false";
                break;
            case JsonValueKind.Number:
                element.Value = value.GetRawText();
                break;
            default:
                element.Value = value.GetString()!;
                break;
        }

        return element;
    }

    private static string ItemNameOf(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "int",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "item",
    };

    /// <summary>
    /// Writes a handler's value as WebAPI JSON: carriers as objects, lists as arrays, <c>ColumnData</c>'s key/value
    /// pairs as an object keyed by column, dates as ISO text, numbers and booleans as JSON numbers and booleans.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case SoapObject carrier:
                writer.WriteStartObject();
                foreach (var (member, memberValue) in carrier)
                {
                    writer.WritePropertyName(member);
                    Write(writer, memberValue);
                }

                writer.WriteEndObject();
                break;
            case SoapList { ItemName: "ColumnDataKeyValuePair" } pairs:
                WriteColumnData(writer, pairs);
                break;
            case SoapList list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int or long or short or byte:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case decimal number:
                writer.WriteNumberValue(number);
                break;
            default:
                // Dates as yyyy-MM-ddTHH:mm:ss, enums by name: the text SOAP writes.
                writer.WriteStringValue(SchemaWriter.Format(value));
                break;
        }
    }

    /// <summary>An archive row's <c>ColumnData</c>: <c>{"column": {"DisplayValue", "TooltipHint", "LinkHint"}}</c>.</summary>
    private static void WriteColumnData(Utf8JsonWriter writer, SoapList pairs)
    {
        writer.WriteStartObject();
        foreach (var pair in pairs.OfType<SoapObject>())
        {
            writer.WritePropertyName(pair.GetValueOrDefault("Key") as string ?? string.Empty);
            var cell = pair.GetValueOrDefault("Value") as SoapObject ?? [];
            writer.WriteStartObject();
            foreach (var member in (string[])["DisplayValue", "TooltipHint", "LinkHint"])
            {
                writer.WriteString(member, cell.GetValueOrDefault(member) as string ?? string.Empty);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
