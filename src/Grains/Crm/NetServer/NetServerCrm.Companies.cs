using System.Xml.Linq;
using static Relay.Crm.NetServer.NetServerQueries;
using static Relay.Crm.NetServer.NetServerXml;

namespace Relay.Crm.NetServer;

/// <summary>
/// The NetServer adapter's company look-ups: the <c>Contact</c> archive provider searched by name, organisation number
/// and web/e-mail domain, and the <c>List</c> agent's countries, categories and businesses a company is created with.
/// </summary>
public sealed partial class NetServerCrm
{
    public async Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default)
    {
        // The rows of each criterion's query are merged.
        var found = new List<CrmCompany>();
        foreach (var query in CompanyQueries(search))
        {
            found.AddRange(Companies(await ArchiveAsync(connection, "Contact", CompanyColumns, [query], page: 0, pageSize: Math.Clamp(max, 1, 100), cancellationToken).ConfigureAwait(false)));
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
    private async Task<int?> FindListItemAsync(CrmConnection connection, string list, string value, CancellationToken cancellationToken) =>
        FindListItem(await ListItemsAsync(connection, list, cancellationToken).ConfigureAwait(false), value);

    /// <summary>One of the <c>List</c> agent's lists (<c>GetCountries</c>, <c>GetCategories</c>, <c>GetBusinesses</c>), cached per tenant.</summary>
    private Task<IReadOnlyList<CrmListItem>> ListItemsAsync(CrmConnection connection, string list, CancellationToken cancellationToken) =>
        _lists.GetAsync(connection.TenantId, list, async () =>
        {
            var body = await CallAsync(connection, "List", "Get" + list, _ => [], write: false, null, cancellationToken).ConfigureAwait(false);
            return list == "Countries"
                ? [.. body.Child("Response").Children("Country").Select(c => new CrmListItem(c.Number("CountryId"), c.Text("Name") ?? string.Empty, c.Text("TwoLetterISOCountry")))]
                : [.. (body.Child("Response")?.Elements() ?? []).Where(e => !IsNil(e)).Select(c => new CrmListItem(c.Number("Id"), c.Text("Value") ?? string.Empty))];
        });
}
