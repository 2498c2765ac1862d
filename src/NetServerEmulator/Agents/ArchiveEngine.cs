using System.Globalization;
using System.Xml.Linq;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Agents;

/// <summary>
/// The archive providers the emulator knows (<c>Person</c>, <c>Sale</c>, <c>Appointment</c>, <c>Selection</c>,
/// <c>SelectionMember</c>, <c>Project</c>, <c>ProjectMember</c>), shared by <c>Archive.GetArchiveListByColumns</c>
/// and <c>Find.FindFromRestrictionsColumns</c>. Restrictions are ANDed; paging is zero-based.
/// </summary>
internal static class ArchiveEngine
{
    private sealed record Row(string EntityName, int PrimaryKey, Dictionary<string, object?> Columns);

    private static readonly Dictionary<string, Func<EmulatorStore, IEnumerable<Row>>> Providers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Person"] = s => s.Persons.Values.Select(p => new Row("person", p.PersonId, PersonColumns(s, p))),
        ["Sale"] = s => s.Sales.Values.Select(x => new Row("sale", x.SaleId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["saleId"] = x.SaleId, ["heading"] = x.Heading, ["saleText"] = x.SaleText, ["personId"] = x.PersonId,
            ["contactId"] = x.CompanyId, ["amount"] = x.Amount, ["associateId"] = x.AssociateId,
        })),
        ["Appointment"] = s => s.Appointments.Values.Select(x => new Row("appointment", x.AppointmentId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["appointmentId"] = x.AppointmentId, ["text"] = x.Description, ["personId"] = x.PersonId, ["contactId"] = x.CompanyId,
            ["associateId"] = x.AssociateId, ["completed"] = x.Completed, ["type"] = x.Type,
        })),
        ["Selection"] = s => s.Selections.Values.Select(x => new Row("selection", x.SelectionId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["selectionId"] = x.SelectionId, ["name"] = x.Name, ["selectionType"] = x.SelectionType, ["memberCount"] = x.Members.Count,
        })),
        ["SelectionMember"] = s => s.Selections.Values.SelectMany(x => x.Members.Select(m => new Row("person", m.PersonId, Member(s, m.PersonId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["selectionMemberId"] = m.MemberId, ["selectionId"] = x.SelectionId,
        })))),
        ["Project"] = s => s.Projects.Values.Select(x => new Row("project", x.ProjectId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["projectId"] = x.ProjectId, ["name"] = x.Name, ["memberCount"] = x.Members.Count,
        })),
        ["ProjectMember"] = s => s.Projects.Values.SelectMany(x => x.Members.Select(m => new Row("projectmember", m.MemberId, Member(s, m.PersonId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["projectMemberId"] = m.MemberId, ["projectId"] = x.ProjectId,
        })))),
    };

    /// <summary>Runs a query; returns the page of rows and the total row count.</summary>
    public static (List<SoapObject> Rows, int Total) Query(EmulatorStore store, string? provider, IReadOnlyList<string> columns, XElement? restrictions, XElement? sortOrder, int page, int pageSize)
    {
        if (provider is null || !Providers.TryGetValue(provider, out var source))
        {
            throw new NetServerException($"Unknown archive provider '{provider}'", "ArchiveProviderNotFoundException");
        }

        if (pageSize is < 1 or > 1000 || page < 0)
        {
            throw new NetServerException($"Page {page} / page size {pageSize} is out of range (page size 1-1000, page from 0)", "ArgumentOutOfRangeException");
        }

        var active = restrictions.Els("ArchiveRestrictionInfo").Where(r => r.Bool("IsActive")).ToList();
        if (active.Count == 0)
        {
            throw new NetServerException($"The {provider} provider needs at least one active restriction", "ArchiveRestrictionException");
        }

        return store.Read(s =>
        {
            var rows = source(s).ToList();
            var known = rows.Count > 0 ? rows[0].Columns.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
            foreach (var name in columns.Concat(active.Select(r => r.Str("Name") ?? string.Empty)))
            {
                if (known is not null && !known.Contains(name))
                {
                    throw new NetServerException($"The {provider} provider has no column '{name}'", "ArchiveColumnNotFoundException");
                }
            }

            IEnumerable<Row> matching = rows.Where(row => active.All(r => Matches(row, r)));
            var order = sortOrder.Els("ArchiveOrderByInfo").FirstOrDefault();
            matching = order?.Str("Name") is { } orderBy
                ? order.Str("Direction") == "DESC"
                    ? matching.OrderByDescending(r => r.Columns.GetValueOrDefault(orderBy)?.ToString(), StringComparer.Ordinal)
                    : matching.OrderBy(r => r.Columns.GetValueOrDefault(orderBy)?.ToString(), StringComparer.Ordinal)
                : matching.OrderBy(r => r.Columns.Values.FirstOrDefault() is int first ? first : r.PrimaryKey);
            var all = matching.ToList();
            var pageRows = all.Skip(page * pageSize).Take(pageSize).Select(r => new SoapObject
            {
                ["EntityName"] = r.EntityName,
                ["PrimaryKey"] = r.PrimaryKey,
                ["ColumnData"] = columns.Select(c => new SoapObject
                {
                    ["Key"] = c,
                    ["Value"] = new SoapObject { ["DisplayValue"] = Encode(r.Columns.GetValueOrDefault(c)) },
                }).ToList(),
                ["LinkHint"] = $"{r.EntityName}?{r.EntityName}_id={r.PrimaryKey}",
            }).ToList();
            return (pageRows, all.Count);
        });
    }

    private static Dictionary<string, object?> PersonColumns(EmulatorStore s, PersonRecord p) => Member(s, p.PersonId, new(StringComparer.OrdinalIgnoreCase));

    private static Dictionary<string, object?> Member(EmulatorStore s, int personId, Dictionary<string, object?> columns)
    {
        var p = s.Persons.GetValueOrDefault(personId);
        columns["personId"] = personId;
        columns["contactId"] = p?.CompanyId ?? 0;
        columns["firstName"] = p?.FirstName;
        columns["lastName"] = p?.LastName;
        columns["fullName"] = p?.FullName;
        columns["email/emailAddress"] = p?.Emails.ToArray() ?? [];
        columns["contactName"] = p is null ? null : s.Companies.GetValueOrDefault(p.CompanyId)?.Name;
        columns["title"] = p?.Title;
        return columns;
    }

    private static bool Matches(Row row, XElement restriction)
    {
        var name = restriction.Str("Name")!;
        var op = restriction.Str("Operator") ?? "is";
        var values = restriction.El("Values").Els("string").Select(v => Decode(v.Value)).ToList();
        var cell = row.Columns.GetValueOrDefault(name);
        var cells = cell switch
        {
            string[] many => many.Cast<object?>().ToList(),
            _ => [cell],
        };
        return op.ToLowerInvariant() switch
        {
            "is" or "=" or "equals" or "eq" or "oneof" or "in" => cells.Any(c => values.Any(v => Equal(c, v))),
            "isnot" or "unequals" or "<>" or "notoneof" => !cells.Any(c => values.Any(v => Equal(c, v))),
            "contains" or "like" => cells.Any(c => values.Any(v => c?.ToString()?.Contains(v, StringComparison.OrdinalIgnoreCase) == true)),
            "begins" => cells.Any(c => values.Any(v => c?.ToString()?.StartsWith(v, StringComparison.OrdinalIgnoreCase) == true)),
            "greater" or ">" => cells.Any(c => values.Any(v => Compare(c, v) > 0)),
            "less" or "<" => cells.Any(c => values.Any(v => Compare(c, v) < 0)),
            _ => throw new NetServerException($"Unknown restriction operator '{op}'", "ArchiveRestrictionException"),
        };
    }

    private static bool Equal(object? cell, string value) => cell switch
    {
        int i => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v == i,
        null => value.Length == 0,
        _ => string.Equals(cell.ToString(), value, StringComparison.OrdinalIgnoreCase),
    };

    private static int Compare(object? cell, string value) => cell switch
    {
        int i when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) => i.CompareTo(v),
        double d when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => d.CompareTo(v),
        _ => string.Compare(cell?.ToString(), value, StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>Strips NetServer's value encoding (<c>[I:58]</c>, <c>[F:1.5]</c>, …) from a restriction value.</summary>
    private static string Decode(string value) =>
        value.Length > 3 && value[0] == '[' && value[^1] == ']' && value.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
            && EncodedTypes.Contains(value[1..colon], StringComparer.Ordinal)
            ? value[(colon + 1)..^1]
            : value;

    private static readonly string[] EncodedTypes = ["I", "F", "D", "DT", "M", "T", "B"];

    /// <summary>NetServer's display-value encoding: ints as <c>[I:58]</c>, floats as <c>[F:1.5]</c>, strings plain.</summary>
    private static string? Encode(object? value) => value switch
    {
        null => null,
        int i => $"[I:{i.ToString(CultureInfo.InvariantCulture)}]",
        double d => $"[F:{d.ToString(CultureInfo.InvariantCulture)}]",
        string[] many => many.FirstOrDefault() ?? string.Empty,
        _ => value.ToString(),
    };
}
