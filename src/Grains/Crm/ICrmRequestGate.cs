namespace Relay.Crm;

/// <summary>
/// Awaited by a CRM implementation before each request it sends to a tenant's CRM, so that a per-tenant budget
/// counts what SuperOffice counts: requests, not port calls (creating a sale is two NetServer requests).
/// </summary>
public interface ICrmRequestGate
{
    /// <summary>Returns when the tenant may send one more request; throws a transient <see cref="CrmException"/> with <see cref="CrmException.RetryAfter"/> when the wait would be too long.</summary>
    ValueTask WaitAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>Which work goes first when a tenant's budget is short.</summary>
public enum CrmPriority
{
    /// <summary>Work a sales person sees: sales, tasks, notifications, and the person lookups they need.</summary>
    RepFacing = 0,

    /// <summary>Bulk work: selection and project membership, interests, imports.</summary>
    Bulk = 1,
}

/// <summary>The priority of the CRM call in flight, set by the port's decorators and read by the request gate.</summary>
public static class CrmCallContext
{
    private static readonly AsyncLocal<CrmPriority?> Current = new();

    /// <summary>The priority of the current call; rep-facing when nobody said.</summary>
    public static CrmPriority Priority => Current.Value ?? CrmPriority.RepFacing;

    /// <summary>
    /// Sets the priority for the CRM calls of the current async flow until the scope is disposed; for
    /// bulk work such as imports: <c>using (CrmCallContext.Enter(CrmPriority.Bulk)) { … }</c>.
    /// </summary>
    public static IDisposable Enter(CrmPriority priority)
    {
        var before = Current.Value;
        Current.Value = priority;
        return new Scope(before);
    }

    /// <summary>Runs <paramref name="call"/> with the given priority.</summary>
    public static async Task<T> WithPriorityAsync<T>(CrmPriority priority, Func<Task<T>> call)
    {
        var before = Current.Value;
        Current.Value = priority;
        try
        {
            return await call();
        }
        finally
        {
            Current.Value = before;
        }
    }

    private sealed class Scope(CrmPriority? before) : IDisposable
    {
        public void Dispose() => Current.Value = before;
    }
}
