namespace Relay.Crm;

/// <summary>How urgent a CRM call is, for a rate limiter that must share a tenant's budget between work kinds.</summary>
public enum CrmCallPriority
{
    /// <summary>Someone waits for the answer (panels, lead decisions).</summary>
    Interactive = 0,

    /// <summary>The contact pipeline: seconds from interaction to CRM matter.</summary>
    Normal = 1,

    /// <summary>Imports and reconciliation: large, patient, must not starve the pipeline.</summary>
    Bulk = 2,
}

/// <summary>
/// The priority of the CRM calls made in the current async flow. Code that starts bulk work wraps it in
/// <c>using (CrmPriority.Enter(CrmCallPriority.Bulk)) { … }</c>; a rate-limiting decorator of
/// <see cref="ICrm"/>/<see cref="ICrmCatalog"/> reads <see cref="Current"/>. It is an <see cref="AsyncLocal{T}"/>,
/// so it flows into the awaited CRM calls of that flow only, and does not cross grain calls.
/// </summary>
public static class CrmPriority
{
    private static readonly AsyncLocal<CrmCallPriority?> Ambient = new();

    /// <summary>The priority in force; <see cref="CrmCallPriority.Normal"/> when nobody said.</summary>
    public static CrmCallPriority Current => Ambient.Value ?? CrmCallPriority.Normal;

    /// <summary>Sets the priority until the returned scope is disposed.</summary>
    public static IDisposable Enter(CrmCallPriority priority)
    {
        var previous = Ambient.Value;
        Ambient.Value = priority;
        return new Scope(previous);
    }

    private sealed class Scope(CrmCallPriority? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
