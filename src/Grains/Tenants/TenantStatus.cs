namespace Relay.Tenants;

/// <summary>A tenant's health at a glance, as the console's overview shows it; every number comes from a grain.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-status")]
public sealed record TenantStatus(
    [property: Id(0)] string TenantId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] long TriggersPerMinute,
    [property: Id(3)] TenantBacklog Backlog,
    [property: Id(4)] TenantCrmUse Crm,
    [property: Id(5)] string CircuitBreaker,
    [property: Id(6)] TenantErrorCounts Parked,
    [property: Id(7)] TenantErrorCounts DeadLetters,
    [property: Id(8)] TenantError? LastError);

/// <summary>Work waiting: actions in the outboxes of the tenant's active contacts, and contacts waiting as leads for sales.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-backlog")]
public sealed record TenantBacklog([property: Id(0)] long OutboxActions, [property: Id(1)] int LeadsWaiting);

/// <summary>CRM calls in the last minute (and how many failed) against the tenant's budget of <see cref="BudgetPerMinute"/>.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-crm-use")]
public sealed record TenantCrmUse(
    [property: Id(0)] long CallsLastMinute,
    [property: Id(1)] long FailuresLastMinute,
    [property: Id(2)] int CallsPerSecond,
    [property: Id(3)] long BudgetPerMinute);

/// <summary>How many parked actions or dead letters there are, in all and by error type (most first).</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-error-counts")]
public sealed record TenantErrorCounts([property: Id(0)] int Total, [property: Id(1)] ImmutableArray<TenantErrorCount> ByErrorType);

/// <summary>One error type's count, with an example message when one is known.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-error-count")]
public sealed record TenantErrorCount([property: Id(0)] string ErrorType, [property: Id(1)] int Count, [property: Id(2)] string? Example = null);

/// <summary>An error the tenant met: when, where (<c>crm</c> or <c>dead-letter</c>), its type and message.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-error")]
public sealed record TenantError(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Source,
    [property: Id(2)] string ErrorType,
    [property: Id(3)] string Message);

/// <summary>
/// What one process counted of a tenant since its last report (<see cref="Observability.TenantActivity"/>): the counts
/// are new since then; <see cref="Outbox"/> and <see cref="CircuitBreaker"/> are levels now.
/// </summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-activity-report")]
public sealed record TenantActivityReport(
    [property: Id(0)] long Triggers,
    [property: Id(1)] long CrmCalls,
    [property: Id(2)] long CrmFailures,
    [property: Id(3)] long Outbox,
    [property: Id(4)] TenantError? LastError,
    [property: Id(5)] string CircuitBreaker = CircuitBreakerStates.Closed)
{
    /// <summary>Nothing was counted since the last report.</summary>
    public bool IsQuiet => Triggers == 0 && CrmCalls == 0 && CrmFailures == 0 && LastError is null;

    /// <summary>Quiet, with nothing waiting and the circuit closed: nothing the status grain needs to keep.</summary>
    public bool IsIdle => IsQuiet && Outbox == 0 && CircuitBreaker == CircuitBreakerStates.Closed;

    /// <summary>Whether the levels are those of <paramref name="other"/>.</summary>
    public bool SameLevels(TenantActivityReport other) => Outbox == other.Outbox && CircuitBreaker == other.CircuitBreaker;
}

/// <summary>The states of a tenant's circuit breaker, as the status names them; the worst of any process wins.</summary>
public static class CircuitBreakerStates
{
    /// <summary>Calls go through.</summary>
    public const string Closed = "closed";

    /// <summary>One probe call is let through to see whether the CRM is back.</summary>
    public const string HalfOpen = "half-open";

    /// <summary>The CRM failed too often: calls fail fast until a probe succeeds.</summary>
    public const string Open = "open";

    /// <summary>Held open by hand.</summary>
    public const string Isolated = "isolated";

    /// <summary>How bad a state is, for choosing the worst of several processes.</summary>
    public static int Severity(string state) => state switch
    {
        Open or Isolated => 2,
        HalfOpen => 1,
        _ => 0,
    };
}
