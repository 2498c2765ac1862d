using Relay.Contacts;
using Relay.Leads;

namespace Relay.Web.Panels;

/// <summary>Decisions about several leads at once.</summary>
public static class LeadDecisions
{
    /// <summary>How many approvals run at once; each creates records in SuperOffice.</summary>
    private const int Parallelism = 4;

    /// <summary>Approves every listed lead; each answer says what became of it.</summary>
    public static async Task<IReadOnlyList<(string ContactId, LeadDecisionResult Result)>> ApproveAllAsync(IGrainFactory grains, string tenant, IReadOnlyList<string> contactIds, SalesUser by)
    {
        var results = new (string, LeadDecisionResult)[contactIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, contactIds.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, _) =>
            results[i] = (contactIds[i], await grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactIds[i])).ApproveAsync(by)));
        return results;
    }
}
