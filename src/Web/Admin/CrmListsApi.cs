using Relay.Crm;
using Relay.Crm.Lookups;

namespace Relay.Web.Admin;

/// <summary>
/// SuperOffice's pick lists for the people who set Relay up: <c>GET /api/admin/tenants/{tenant}/crm/lists/{list}</c> for
/// <c>saleTypes</c>, <c>taskTypes</c>, <c>selections</c> (static ones take members), <c>projects</c>, <c>interests</c>,
/// <c>associates</c>, <c>userGroups</c>, and a company's <c>countries</c>, <c>categories</c> and <c>businesses</c> (industries); read through the tenant's rate limit at bulk priority and reused for a minute.
/// </summary>
public static class CrmListsApi
{
    /// <summary>The lists by the names the API and the console use.</summary>
    public static readonly IReadOnlyDictionary<string, CrmList> Names = new Dictionary<string, CrmList>(StringComparer.OrdinalIgnoreCase)
    {
        ["saleTypes"] = CrmList.SaleTypes,
        ["taskTypes"] = CrmList.TaskTypes,
        ["selections"] = CrmList.Selections,
        ["projects"] = CrmList.Projects,
        ["interests"] = CrmList.Interests,
        ["associates"] = CrmList.Associates,
        ["userGroups"] = CrmList.UserGroups,
        ["countries"] = CrmList.Countries,
        ["categories"] = CrmList.Categories,
        ["businesses"] = CrmList.Businesses,
    };

    /// <summary>How long a page or a save waits for SuperOffice's lists before it goes on without them.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Maps the pick-list endpoint.</summary>
    public static IEndpointRouteBuilder MapCrmListsApi(this IEndpointRouteBuilder app)
    {
        app.MapAdminGroup().MapGet("/tenants/{tenant}/crm/lists/{list}", GetAsync);
        return app;
    }

    /// <summary>
    /// The lists an editor picks from, read together; <paramref name="fresh"/> asks SuperOffice now instead of reusing a
    /// copy. Throws <see cref="CrmException"/>, or <see cref="TimeoutException"/> when SuperOffice takes longer than <see cref="CheckTimeout"/>.
    /// </summary>
    public static async Task<IReadOnlyDictionary<CrmList, IReadOnlyList<CrmListItem>>> LoadAsync(IGrainFactory grains, string tenant, IEnumerable<CrmList> lists, bool fresh, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CheckTimeout);
        var lookups = grains.GetGrain<ICrmLookupGrain>(tenant);
        try
        {
            var read = lists.Distinct().Select(async list => (list, items: fresh ? await lookups.GetFreshListAsync(list, limit.Token) : await lookups.GetListAsync(list, limit.Token))).ToList();
            return (await Task.WhenAll(read)).ToDictionary(r => r.list, r => r.items);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"SuperOffice did not answer within {CheckTimeout.TotalSeconds:0} s.");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<CrmListEntry>>, ProblemHttpResult>> GetAsync(string tenant, string list, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        if (!Names.TryGetValue(list, out var which))
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown list", $"There is no list '{list}'; the lists are {string.Join(", ", Names.Keys)}.");
        }

        try
        {
            var items = (await LoadAsync(grains, tenant, [which], fresh: false, cancellationToken))[which];
            return TypedResults.Ok<IReadOnlyList<CrmListEntry>>([.. items.Select(i => CrmListEntry.From(which, i))]);
        }
        catch (CrmException ex)
        {
            return Problems.CrmUnanswered(ex);
        }
        catch (TimeoutException ex)
        {
            return Problems.Create(StatusCodes.Status504GatewayTimeout, "SuperOffice did not answer", ex.Message);
        }
    }
}

/// <summary>One entry of a pick list; for selections, <see cref="Kind"/> is the selection type and <see cref="TakesMembers"/> says whether it is static.</summary>
public sealed record CrmListEntry(int Id, string Name, string? Kind = null, bool? TakesMembers = null)
{
    /// <summary>The entry of <paramref name="item"/> in <paramref name="list"/>.</summary>
    public static CrmListEntry From(CrmList list, CrmListItem item) =>
        new(item.Id, item.Name, item.Kind, list == CrmList.Selections ? AutomationReferences.TakesMembers(item) : null);
}
