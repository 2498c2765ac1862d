using System.Xml.Linq;
using static Relay.Crm.NetServer.NetServerXml;

namespace Relay.Crm.NetServer;

/// <summary>
/// The NetServer adapter's company look-ups: the <c>Contact</c> archive provider searched by name, organisation number
/// and web/e-mail domain, and the <c>List</c> agent's countries, categories and businesses a company is created with.
/// </summary>
public sealed partial class NetServerCrm
{
    /// <summary>The <c>Contact</c> provider's columns a company match compares.</summary>
    private static readonly string[] CompanyColumns = ["contactId", "name", "orgnr", "url/URLAddress", "email/emailAddress"];

    public async Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default)
    {
        // Archive restrictions are ANDed; each criterion is its own query, and the rows are merged.
        var queries = new List<(string Column, string Operator, string Value)>();
        if (search.NameTerm is { Length: > 0 } term)
        {
            queries.Add(("name", "contains", term));
        }

        if (search.OrgNr is { Length: > 0 } orgNr)
        {
            queries.Add(("orgnr", "begins", orgNr));
        }

        if (search.Domain is { Length: > 0 } domain)
        {
            queries.Add(("url/URLAddress", "contains", domain));
            queries.Add(("email/emailAddress", "contains", "@" + domain));
        }

        var found = new List<CrmCompany>();
        foreach (var query in queries)
        {
            var rows = await ArchiveAsync(connection, "Contact", CompanyColumns, [query], page: 0, pageSize: Math.Clamp(max, 1, 100), cancellationToken).ConfigureAwait(false);
            found.AddRange(rows
                .Select(r => new CrmCompany(r.Int("contactId") is var id and > 0 ? id : r.PrimaryKey, r.Get("name") ?? string.Empty, NullIfEmpty(r.Get("orgnr")), NullIfEmpty(r.Get("url/URLAddress")), NullIfEmpty(r.Get("email/emailAddress"))))
                .Where(c => c.CompanyId > 0));
        }

        return [.. found.DistinctBy(c => c.CompanyId)];
    }

    public async Task<IReadOnlyList<CrmListItem>> GetCountriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        await ListItemsAsync(connection, "Countries", cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<CrmListItem>> GetCategoriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        await ListItemsAsync(connection, "Categories", cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<CrmListItem>> GetBusinessesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        await ListItemsAsync(connection, "Businesses", cancellationToken).ConfigureAwait(false);

    /// <summary>The id of the list item named <paramref name="value"/> (or, for a country, with that ISO code), or null.</summary>
    private async Task<int?> FindListItemAsync(CrmConnection connection, string list, string value, CancellationToken cancellationToken)
    {
        var items = await ListItemsAsync(connection, list, cancellationToken).ConfigureAwait(false);
        var match = items.FirstOrDefault(i =>
            string.Equals(i.Name, value, StringComparison.OrdinalIgnoreCase) || string.Equals(i.Kind, value, StringComparison.OrdinalIgnoreCase));
        return match is { Id: > 0 } ? match.Id : null;
    }

    /// <summary>One of the <c>List</c> agent's lists (<c>GetCountries</c>, <c>GetCategories</c>, <c>GetBusinesses</c>), kept per tenant for <see cref="NetServerOptions.ListCacheDuration"/>.</summary>
    private async Task<IReadOnlyList<CrmListItem>> ListItemsAsync(CrmConnection connection, string list, CancellationToken cancellationToken)
    {
        var key = (connection.TenantId, list);
        if (!_lists.TryGetValue(key, out var cached) || DateTimeOffset.UtcNow - cached.At > _options.ListCacheDuration)
        {
            var body = await CallAsync(connection, "List", "Get" + list, _ => [], write: false, null, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<CrmListItem> items = list == "Countries"
                ? [.. body.Child("Response").Children("Country").Select(c => new CrmListItem(c.Number("CountryId"), c.Text("Name") ?? string.Empty, c.Text("TwoLetterISOCountry")))]
                : [.. (body.Child("Response")?.Elements() ?? []).Where(e => !IsNil(e)).Select(c => new CrmListItem(c.Number("Id"), c.Text("Value") ?? string.Empty))];
            cached = (DateTimeOffset.UtcNow, items);
            _lists[key] = cached;
        }

        return cached.Items;
    }
}
