using System.Globalization;

namespace Relay.Crm.NetServer;

/// <summary>
/// What the SOAP and REST adapters ask NetServer and how they read its archive rows, whatever the wire: the providers'
/// columns, the restrictions of each look-up, and the mapping of a row to the port's models. Only the encoding differs
/// between the two (XML carriers or JSON).
/// </summary>
internal static class NetServerQueries
{
    /// <summary>The <c>Person</c> provider's columns an e-mail look-up or a person search reads.</summary>
    public static readonly string[] PersonColumns = ["personId", "fullName", "contactId", "contactName", "email/emailAddress"];

    /// <summary>The <c>Contact</c> provider's columns a company match compares.</summary>
    public static readonly string[] CompanyColumns = ["contactId", "name", "orgnr", "url/URLAddress", "email/emailAddress"];

    /// <summary>The archive columns of a selection or project member that an import maps.</summary>
    public static readonly string[] MemberColumns =
    [
        "personId", "contactId", "firstName", "lastName", "email/emailAddress", "contactName",
        "personDirectPhone/formattedNumber", "personMobilePhone/formattedNumber", "title", "contactCountry", "contactCategory", "contactBusiness",
    ];

    /// <summary>The restriction of an e-mail look-up through the <c>Person</c> provider.</summary>
    public static (string Column, string Operator, string Value) ByEmail(string address) => ("email/emailAddress", "is", address);

    /// <summary>
    /// The restriction of a person search: by e-mail when the text has an <c>@</c>, else by name. Fewer than three
    /// characters are refused, as SuperOffice's own search box does.
    /// </summary>
    public static (string Column, string Operator, string Value) PersonSearch(string text)
    {
        var term = text.Trim();
        if (term.Length < 3)
        {
            throw new CrmException(CrmErrorKind.Permanent, "SearchTooShort", "Type at least 3 characters to search SuperOffice.");
        }

        return (term.Contains('@', StringComparison.Ordinal) ? "email/emailAddress" : "fullName", "contains", term);
    }

    /// <summary>One restriction per criterion of a company search: archive restrictions are ANDed, so each is its own query.</summary>
    public static IEnumerable<(string Column, string Operator, string Value)> CompanyQueries(CompanySearch search)
    {
        if (search.NameTerm is { Length: > 0 } term)
        {
            yield return ("name", "contains", term);
        }

        if (search.OrgNr is { Length: > 0 } orgNr)
        {
            yield return ("orgnr", "begins", orgNr);
        }

        if (search.Domain is { Length: > 0 } domain)
        {
            yield return ("url/URLAddress", "contains", domain);
            yield return ("email/emailAddress", "contains", "@" + domain);
        }
    }

    /// <summary>Where a created object's reference is searched: the provider, the text column that holds it, and its key column.</summary>
    public static (string Provider, string TextColumn, string KeyColumn) CreatedObjects(CrmObjectKind kind) =>
        kind == CrmObjectKind.Sale ? ("Sale", "saleText", "saleId") : ("Appointment", "text", "appointmentId");

    /// <summary>The id of the list item named <paramref name="value"/> (or, for a country, with that ISO code), or null.</summary>
    public static int? FindListItem(IReadOnlyList<CrmListItem> items, string value)
    {
        var match = items.FirstOrDefault(i =>
            string.Equals(i.Name, value, StringComparison.OrdinalIgnoreCase) || string.Equals(i.Kind, value, StringComparison.OrdinalIgnoreCase));
        return match is { Id: > 0 } ? match.Id : null;
    }

    /// <summary>The persons of e-mail look-up or search rows, once each.</summary>
    public static IReadOnlyList<CrmPersonMatch> Persons(IEnumerable<ArchiveRow> rows, string fallbackEmail) =>
        [.. rows
            .Select(r => new CrmPersonMatch(r.Int("personId"), r.Get("fullName"), NullIfZero(r.Int("contactId")), r.Get("contactName"), r.Get("email/emailAddress") ?? fallbackEmail))
            .Where(m => m.PersonId > 0)
            .DistinctBy(m => m.PersonId)];

    /// <summary>The companies of <see cref="CompanyColumns"/> rows.</summary>
    public static IEnumerable<CrmCompany> Companies(IEnumerable<ArchiveRow> rows) =>
        rows
            .Select(r => new CrmCompany(r.Int("contactId") is var id and > 0 ? id : r.PrimaryKey, r.Get("name") ?? string.Empty, NullIfEmpty(r.Get("orgnr")), NullIfEmpty(r.Get("url/URLAddress")), NullIfEmpty(r.Get("email/emailAddress"))))
            .Where(c => c.CompanyId > 0);

    /// <summary>The members of <see cref="MemberColumns"/> rows.</summary>
    public static List<CrmMember> Members(IEnumerable<ArchiveRow> rows) =>
        [.. rows.Select(r => new CrmMember(
            r.Int("personId"), NullIfZero(r.Int("contactId")), r.Get("firstName"), r.Get("lastName"), NullIfEmpty(r.Get("email/emailAddress")), NullIfEmpty(r.Get("contactName")),
            NullIfEmpty(r.Get("personDirectPhone/formattedNumber")), NullIfEmpty(r.Get("personMobilePhone/formattedNumber")), NullIfEmpty(r.Get("title")),
            NullIfEmpty(r.Get("contactCountry")), NullIfEmpty(r.Get("contactCategory")), NullIfEmpty(r.Get("contactBusiness"))))];

    /// <summary>One page of an archive query through either protocol.</summary>
    public delegate Task<List<ArchiveRow>> ArchivePage(string[] columns, (string Column, string Operator, string Value) restriction, int page, int pageSize);

    /// <summary>Every row of a provider (selections, projects) as list items, 500 rows a page until a short page.</summary>
    public static async Task<IReadOnlyList<CrmListItem>> AllRowsAsync(ArchivePage archive, string idColumn, string nameColumn, string? kindColumn)
    {
        const int PageSize = 500;
        var items = new List<CrmListItem>();
        string[] columns = kindColumn is null ? [idColumn, nameColumn] : [idColumn, nameColumn, kindColumn];
        for (var page = 0; ; page++)
        {
            var rows = await archive(columns, (idColumn, "greater", "0"), page, PageSize).ConfigureAwait(false);
            items.AddRange(rows.Select(r => new CrmListItem(r.Int(idColumn), r.Get(nameColumn) ?? string.Empty, kindColumn is null ? null : r.Get(kindColumn))));
            if (rows.Count < PageSize)
            {
                return items;
            }
        }
    }

    /// <summary>Checks a member page's bounds.</summary>
    public static void CheckPage(int page, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
    }

    /// <summary>NetServer's dates come without an offset and are UTC (both adapters ask for UTC).</summary>
    public static DateTimeOffset UtcDate(string? value) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc))
            : DateTimeOffset.MinValue;

    public static int? NullIfZero(int value) => value == 0 ? null : value;

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>An archive row: its primary key and its decoded column values, by column name in any case.</summary>
internal sealed record ArchiveRow(int PrimaryKey, IReadOnlyDictionary<string, string?> Columns)
{
    public string? Get(string column) => Columns.GetValueOrDefault(column);

    public int Int(string column) => int.TryParse(Get(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}

/// <summary>The <c>List</c> agent's lists a company is created with, kept per tenant for <see cref="NetServerOptions.ListCacheDuration"/>.</summary>
internal sealed class NetServerListCache(NetServerOptions options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string List), (DateTimeOffset At, IReadOnlyList<CrmListItem> Items)> _lists = new();

    /// <summary>The tenant's list, from <paramref name="load"/> when not cached or stale.</summary>
    public async Task<IReadOnlyList<CrmListItem>> GetAsync(string tenantId, string list, Func<Task<IReadOnlyList<CrmListItem>>> load)
    {
        var key = (tenantId, list);
        if (!_lists.TryGetValue(key, out var cached) || DateTimeOffset.UtcNow - cached.At > options.ListCacheDuration)
        {
            cached = (DateTimeOffset.UtcNow, await load().ConfigureAwait(false));
            _lists[key] = cached;
        }

        return cached.Items;
    }
}
