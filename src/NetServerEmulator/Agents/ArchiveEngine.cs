using System.Globalization;
using System.Xml.Linq;
using Relay.NetServerEmulator.Data;
using Relay.NetServerEmulator.Soap;

namespace Relay.NetServerEmulator.Agents;

/// <summary>
/// The archive providers the emulator knows (<c>Person</c>, <c>Contact</c> (companies), <c>Sale</c>, <c>Appointment</c>, <c>Selection</c>,
/// <c>SelectionMember</c>, <c>Project</c>, <c>ProjectMember</c>), shared by <c>Archive.GetArchiveListByColumns</c>
/// and <c>Find.FindFromRestrictionsColumns</c>. Restrictions are ANDed; paging is zero-based.
/// The <c>Person</c> provider leaves out persons the calling user may not read.
/// </summary>
internal static class ArchiveEngine
{
    /// <summary>
    /// One archive row. Its columns may be built lazily, so a page of a 100,000-member selection builds the
    /// columns of that page only; <see cref="SortKey"/> orders rows without building them.
    /// </summary>
    private sealed class Row
    {
        private readonly Func<Dictionary<string, object?>>? _build;
        private readonly int? _sortKey;
        private Dictionary<string, object?>? _columns;

        public Row(string entityName, int primaryKey, Dictionary<string, object?> columns)
        {
            EntityName = entityName;
            PrimaryKey = primaryKey;
            _columns = columns;
        }

        public Row(string entityName, int primaryKey, int sortKey, Func<Dictionary<string, object?>> build)
        {
            EntityName = entityName;
            PrimaryKey = primaryKey;
            _sortKey = sortKey;
            _build = build;
        }

        public string EntityName { get; }

        public int PrimaryKey { get; }

        public Dictionary<string, object?> Columns => _columns ??= _build!();

        public int SortKey => _sortKey ?? (Columns.Values.FirstOrDefault() is int first ? first : PrimaryKey);
    }

    /// <summary>
    /// Member providers restricted to one selection or project (<c>selectionId</c>/<c>projectId</c> equals N, which
    /// NetServer requires in practice): only that owner's members are enumerated.
    /// </summary>
    private static readonly Dictionary<string, (string KeyColumn, Func<EmulatorStore, int, IEnumerable<Row>> Rows)> Scoped = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SelectionMember"] = ("selectionId", (s, id) => s.Selections.TryGetValue(id, out var x) ? SelectionMemberRows(s, x) : []),
        ["ProjectMember"] = ("projectId", (s, id) => s.Projects.TryGetValue(id, out var x) ? ProjectMemberRows(s, x) : []),
    };

    private static readonly Dictionary<string, Func<EmulatorStore, AssociateRecord?, IEnumerable<Row>>> Providers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Person"] = (s, user) => s.Persons.Values.Where(p => p.IsVisibleTo(user)).Select(p => new Row("person", p.PersonId, PersonColumns(s, p))),
        ["Contact"] = (s, _) => s.Companies.Values.Select(x => new Row("contact", x.CompanyId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["contactId"] = x.CompanyId, ["name"] = x.Name, ["orgnr"] = x.OrgNr ?? string.Empty, ["url/URLAddress"] = x.Urls.ToArray(),
            ["email/emailAddress"] = x.Emails.ToArray(), ["associateId"] = x.AssociateId,
            ["category"] = s.Categories.FirstOrDefault(c => c.Id == x.CategoryId)?.Name, ["business"] = s.Businesses.FirstOrDefault(c => c.Id == x.BusinessId)?.Name,
            ["contactCountry"] = s.Countries.FirstOrDefault(c => c.Id == x.CountryId)?.Name,
        })),
        ["Sale"] = (s, _) => s.Sales.Values.Select(x => new Row("sale", x.SaleId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["saleId"] = x.SaleId, ["heading"] = x.Heading, ["saleText"] = x.SaleText, ["personId"] = x.PersonId,
            ["contactId"] = x.CompanyId, ["amount"] = x.Amount, ["associateId"] = x.AssociateId,
        })),
        ["Appointment"] = (s, _) => s.Appointments.Values.Select(x => new Row("appointment", x.AppointmentId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["appointmentId"] = x.AppointmentId, ["text"] = x.Description, ["personId"] = x.PersonId, ["contactId"] = x.CompanyId,
            ["associateId"] = x.AssociateId, ["completed"] = x.Completed, ["type"] = x.Type,
        })),
        ["Selection"] = (s, _) => s.Selections.Values.Select(x => new Row("selection", x.SelectionId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["selectionId"] = x.SelectionId, ["name"] = x.Name, ["selectionType"] = x.SelectionType, ["memberCount"] = x.Members.Count,
        })),
        ["SelectionMember"] = (s, _) => s.Selections.Values.SelectMany(x => SelectionMemberRows(s, x)),
        ["Project"] = (s, _) => s.Projects.Values.Select(x => new Row("project", x.ProjectId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["projectId"] = x.ProjectId, ["name"] = x.Name, ["memberCount"] = x.Members.Count,
        })),
        ["ProjectMember"] = (s, _) => s.Projects.Values.SelectMany(x => ProjectMemberRows(s, x)),
    };

    /// <summary>Runs a query; returns the page of rows and the total row count.</summary>
    public static (SoapList Rows, int Total) Query(EmulatorStore store, AssociateRecord? user, string? provider, IReadOnlyList<string> columns, XElement? restrictions, XElement? sortOrder, int page, int pageSize)
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

        var scope = Scoped.TryGetValue(provider, out var scoped)
            ? active.FirstOrDefault(r => string.Equals(r.Str("Name"), scoped.KeyColumn, StringComparison.OrdinalIgnoreCase)
                && (r.Str("Operator") ?? "is").ToLowerInvariant() is "is" or "=" or "equals" or "eq"
                && r.El("Values").Els("string").Count() == 1)
            : null;
        var scopeId = scope is null ? (int?)null : int.TryParse(Decode(scope.El("Values").Els("string").Single().Value), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : -1;
        if (scope is not null)
        {
            active.Remove(scope);
        }

        return store.Read(s =>
        {
            var rows = (scopeId is { } owner ? scoped.Rows(s, owner) : source(s, user)).ToList();
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
                : matching.OrderBy(r => r.SortKey);
            var all = matching.ToList();
            var pageRows = SoapList.Of("ArchiveListItem", all.Skip(page * pageSize).Take(pageSize).Select(r => new SoapObject
            {
                ["EntityName"] = r.EntityName,
                ["PrimaryKey"] = r.PrimaryKey,
                ["ColumnData"] = SoapList.Of("ColumnDataKeyValuePair", columns.Select(c => new SoapObject
                {
                    ["Key"] = c,
                    ["Value"] = new SoapObject { ["DisplayValue"] = Encode(r.Columns.GetValueOrDefault(c)) },
                })),
                ["LinkHint"] = $"{r.EntityName}?{r.EntityName}_id={r.PrimaryKey}",
            }));
            return (pageRows, all.Count);
        });
    }

    private static IEnumerable<Row> SelectionMemberRows(EmulatorStore s, SelectionRecord x) =>
        x.SelectionType == "Dynamic"
            ? s.Persons.Values.Where(p => DynamicMember(s, x, p)).Select(p => MemberRow(s, "person", p.PersonId, p.PersonId, "selectionMemberId", "selectionId", x.SelectionId))
            : x.Members.Select(m => MemberRow(s, "person", m.PersonId, m.MemberId, "selectionMemberId", "selectionId", x.SelectionId));

    private static IEnumerable<Row> ProjectMemberRows(EmulatorStore s, ProjectRecord x) =>
        x.Members.Select(m => new Row("projectmember", m.MemberId, m.MemberId, () => Member(s, m.PersonId, new(StringComparer.OrdinalIgnoreCase)
        {
            ["projectMemberId"] = m.MemberId, ["projectId"] = x.ProjectId,
        })));

    private static Row MemberRow(EmulatorStore s, string entity, int personId, int memberId, string memberColumn, string ownerColumn, int ownerId) =>
        new(entity, personId, memberId, () => Member(s, personId, new(StringComparer.OrdinalIgnoreCase)
        {
            [memberColumn] = memberId, [ownerColumn] = ownerId,
        }));

    /// <summary>
    /// A dynamic selection's members are computed when asked, from its criterion: persons whose company has the
    /// selection's category (<see cref="SelectionRecord.DynamicCategoryId"/>); member row id = person id.
    /// </summary>
    private static bool DynamicMember(EmulatorStore s, SelectionRecord x, PersonRecord p) =>
        x.DynamicCategoryId is { } category && s.Companies.TryGetValue(p.CompanyId, out var company) && company.CategoryId == category;

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
        columns["personDirectPhone/formattedNumber"] = p?.OfficePhone;
        columns["personMobilePhone/formattedNumber"] = p?.MobilePhone;
        var company = p is null ? null : s.Companies.GetValueOrDefault(p.CompanyId);
        columns["contactCountry"] = company is null ? null : s.Countries.FirstOrDefault(c => c.Id == company.CountryId)?.Name;
        columns["contactCategory"] = company is null ? null : s.Categories.FirstOrDefault(c => c.Id == company.CategoryId)?.Name;
        columns["contactBusiness"] = company is null ? null : s.Businesses.FirstOrDefault(c => c.Id == company.BusinessId)?.Name;
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
