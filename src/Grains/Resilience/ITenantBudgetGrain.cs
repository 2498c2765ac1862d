using Relay.Crm;

namespace Relay.Resilience;

/// <summary>
/// A tenant's CRM request budget for the whole cluster: silos lease permits from it in small batches, so the
/// tenant's rate limit holds however many silos call its CRM. Key: the tenant id.
/// </summary>
[Alias("relay.ITenantBudgetGrain")]
public interface ITenantBudgetGrain : IGrainWithStringKey
{
    /// <summary>Grants up to <paramref name="wanted"/> permits now; with none, says when to ask again. Bulk work gets what rep-facing work leaves.</summary>
    [Alias("Lease")]
    Task<PermitLease> LeaseAsync(int wanted, CrmPriority priority);
}

/// <summary>Permits granted to a silo, to be used at once; with none, when to ask again.</summary>
[GenerateSerializer, Immutable, Alias("relay.permit-lease")]
public sealed record PermitLease([property: Id(0)] int Granted, [property: Id(1)] TimeSpan RetryAfter);
