using Orleans.Concurrency;
using Relay.Crm.Online;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Crm.Lookups;

/// <summary>
/// Answers <see cref="ICrmLookupGrain"/> through the silo's decorated <see cref="ICrmCatalog"/> and <see cref="ICrm"/>.
/// Stateless: each silo runs as many activations as callers need, and the tenant's connection is read per call, so
/// a changed password or address takes effect at once. Ticket checks are admitted by the tenant's
/// <see cref="ITicketCheckGrain"/>, which holds what must be shared across the cluster.
/// </summary>
[StatelessWorker]
internal sealed class CrmLookupGrain(ICrmCatalog catalog, ICrm crm, OnlineTenantLocator locator, RelayClock clock) : Grain, ICrmLookupGrain
{
    /// <summary>How long a pick list is reused: long enough for an editor's page loads, short enough that SuperOffice's changes show soon.</summary>
    public static readonly TimeSpan ListLifetime = TimeSpan.FromSeconds(60);

    private const int MinimumSearchLength = 3;

    // Per activation: a stateless worker may hold a few copies of a tenant's lists, each at most ListLifetime old.
    private readonly Dictionary<CrmList, CachedList> _lists = [];

    async Task<CrmUser?> ICrmLookupGrain.ResolveUserTicketAsync(string userTicket, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync();
        var checks = GrainFactory.GetGrain<ITicketCheckGrain>(connection.TenantId);
        var hash = TicketHash.Of(userTicket);
        var admission = await checks.AdmitAsync(hash);
        switch (admission.Verdict)
        {
            case TicketCheckVerdict.RefusedLately:
                return null;
            case TicketCheckVerdict.ValidLately:
                return admission.User;
            case TicketCheckVerdict.Busy:
                throw new CrmException(CrmErrorKind.Transient, TicketCheckAdmission.BusyErrorType, $"Tenant {connection.TenantId}: too many sign-ins are being checked; try again shortly.")
                {
                    RetryAfter = admission.RetryAfter,
                };
        }

        // Bulk priority: after the rep-facing pipeline work, in turn with imports, so a large import cannot lock users out either.
        var user = await CrmCallContext.WithPriorityAsync(CrmPriority.Bulk, () => catalog.ResolveUserTicketAsync(connection, userTicket, cancellationToken));
        await checks.RememberAsync(hash, user);
        return user;
    }

    async Task<IReadOnlyList<CrmPersonMatch>> ICrmLookupGrain.SearchPersonsAsync(string text, int max, string? userTicket, CancellationToken cancellationToken)
    {
        if (text.Trim().Length < MinimumSearchLength)
        {
            throw new CrmException(CrmErrorKind.Permanent, "SearchTooShort", $"Type at least {MinimumSearchLength} characters.");
        }

        return await catalog.SearchPersonsAsync(await ConnectionAsync(userTicket), text.Trim(), Math.Clamp(max, 1, 100), cancellationToken);
    }

    async Task<CrmPerson?> ICrmLookupGrain.GetPersonAsync(int personId, string? userTicket, CancellationToken cancellationToken) =>
        await crm.GetPersonAsync(await ConnectionAsync(userTicket), personId, cancellationToken);

    async Task<CompanyProposal> ICrmLookupGrain.ProposeCompanyAsync(string? companyName, string? orgNr, string? email, string? userTicket, CancellationToken cancellationToken) =>
        await CompanyMatcher.LookUpAsync(crm, await ConnectionAsync(userTicket), companyName, orgNr, email, cancellationToken);

    async Task<OnlineTenantState> ICrmLookupGrain.GetOnlineStateAsync(CancellationToken cancellationToken) =>
        await locator.RefreshAsync(await ConnectionAsync(), null, cancellationToken);

    async Task<ConnectionTest> ICrmLookupGrain.TestConnectionAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var connection = await ConnectionAsync();

            // Bulk priority, as ticket checks: a person waiting at the console goes after the sales-facing pipeline work.
            var check = await CrmCallContext.WithPriorityAsync(CrmPriority.Bulk, () => catalog.CheckSignInAsync(connection, cancellationToken));
            return ConnectionTest.Passed(check, clock.GetUtcNow());
        }
        catch (CrmException ex)
        {
            return ConnectionTest.Failed(ex, clock.GetUtcNow(), System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    async Task<IReadOnlyList<CrmListItem>> ICrmLookupGrain.GetListAsync(CrmList list, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync();
        return _lists.TryGetValue(list, out var cached) && cached.Connection == connection && cached.Until > clock.GetUtcNow()
            ? cached.Items
            : await FetchListAsync(connection, list, cancellationToken);
    }

    async Task<IReadOnlyList<CrmListItem>> ICrmLookupGrain.GetFreshListAsync(CrmList list, CancellationToken cancellationToken) =>
        await FetchListAsync(await ConnectionAsync(), list, cancellationToken);

    /// <summary>
    /// Reads a list from SuperOffice at bulk priority (pick lists wait behind the rep-facing pipeline work) and keeps it
    /// for <see cref="ListLifetime"/> for the same connection, so a changed address or user reads afresh.
    /// </summary>
    private async Task<IReadOnlyList<CrmListItem>> FetchListAsync(CrmConnection connection, CrmList list, CancellationToken cancellationToken)
    {
        var items = await CrmCallContext.WithPriorityAsync(CrmPriority.Bulk, async () => list switch
        {
            CrmList.Associates => await catalog.GetAssociatesAsync(connection, cancellationToken),
            CrmList.UserGroups => await catalog.GetUserGroupsAsync(connection, cancellationToken),
            CrmList.Interests => await catalog.GetInterestsAsync(connection, cancellationToken),
            CrmList.Selections => await catalog.GetSelectionsAsync(connection, cancellationToken),
            CrmList.Projects => await catalog.GetProjectsAsync(connection, cancellationToken),
            CrmList.SaleTypes => await catalog.GetSaleTypesAsync(connection, cancellationToken),
            CrmList.TaskTypes => await catalog.GetTaskTypesAsync(connection, cancellationToken),
            CrmList.Countries => await catalog.GetCountriesAsync(connection, cancellationToken),
            CrmList.Categories => await catalog.GetCategoriesAsync(connection, cancellationToken),
            CrmList.Businesses => await catalog.GetBusinessesAsync(connection, cancellationToken),
            _ => throw new CrmException(CrmErrorKind.Permanent, "UnknownList", $"Relay has no SuperOffice list '{list}'."),
        });
        _lists[list] = new CachedList(connection, clock.GetUtcNow() + ListLifetime, items);
        return items;
    }

    /// <summary>The tenant's connection; as the given user when there is a ticket.</summary>
    private async Task<CrmConnection> ConnectionAsync(string? userTicket = null)
    {
        var tenant = this.GetPrimaryKeyString();
        var connection = (await GrainFactory.GetGrain<ITenantGrain>(tenant).GetConfigAsync())?.Connection
            ?? throw new CrmException(CrmErrorKind.Permanent, "TenantNotFound", $"There is no tenant '{tenant}'.");
        return string.IsNullOrEmpty(userTicket) ? connection : connection.AsUser(userTicket);
    }

    private sealed record CachedList(CrmConnection Connection, DateTimeOffset Until, IReadOnlyList<CrmListItem> Items);
}
