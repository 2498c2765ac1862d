using Orleans.Concurrency;
using Relay.Tenants;

namespace Relay.Crm.Lookups;

/// <summary>
/// Answers <see cref="ICrmLookupGrain"/> through the silo's decorated <see cref="ICrmCatalog"/>. Stateless: each
/// silo runs as many activations as callers need, and the tenant's connection is read per call, so a changed
/// password or address takes effect at once.
/// </summary>
[StatelessWorker]
internal sealed class CrmLookupGrain(ICrmCatalog catalog) : Grain, ICrmLookupGrain
{
    private const int MinimumSearchLength = 3;

    async Task<CrmUser?> ICrmLookupGrain.ResolveUserTicketAsync(string userTicket, CancellationToken cancellationToken) =>
        await catalog.ResolveUserTicketAsync(await ConnectionAsync(), userTicket, cancellationToken);

    async Task<IReadOnlyList<CrmPersonMatch>> ICrmLookupGrain.SearchPersonsAsync(string text, int max, CancellationToken cancellationToken)
    {
        if (text.Trim().Length < MinimumSearchLength)
        {
            throw new CrmException(CrmErrorKind.Permanent, "SearchTooShort", $"Type at least {MinimumSearchLength} characters.");
        }

        return await catalog.SearchPersonsAsync(await ConnectionAsync(), text.Trim(), Math.Clamp(max, 1, 100), cancellationToken);
    }

    async Task<IReadOnlyList<CrmListItem>> ICrmLookupGrain.GetListAsync(CrmList list, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync();
        return list switch
        {
            CrmList.Associates => await catalog.GetAssociatesAsync(connection, cancellationToken),
            CrmList.UserGroups => await catalog.GetUserGroupsAsync(connection, cancellationToken),
            CrmList.Interests => await catalog.GetInterestsAsync(connection, cancellationToken),
            CrmList.Selections => await catalog.GetSelectionsAsync(connection, cancellationToken),
            CrmList.Projects => await catalog.GetProjectsAsync(connection, cancellationToken),
            CrmList.SaleTypes => await catalog.GetSaleTypesAsync(connection, cancellationToken),
            CrmList.TaskTypes => await catalog.GetTaskTypesAsync(connection, cancellationToken),
            _ => throw new CrmException(CrmErrorKind.Permanent, "UnknownList", $"Relay has no SuperOffice list '{list}'."),
        };
    }

    private async Task<CrmConnection> ConnectionAsync()
    {
        var tenant = this.GetPrimaryKeyString();
        return (await GrainFactory.GetGrain<ITenantGrain>(tenant).GetConfigAsync())?.Connection
            ?? throw new CrmException(CrmErrorKind.Permanent, "TenantNotFound", $"There is no tenant '{tenant}'.");
    }
}
