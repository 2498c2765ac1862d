using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Relay.Crm;

namespace Relay.Resilience;

/// <summary>The per-tenant circuit breaker's settings, section <c>Relay:Crm:CircuitBreaker</c>.</summary>
public sealed class CrmCircuitBreakerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relay:Crm:CircuitBreaker";

    /// <summary>The share of failed calls in <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>How many calls the sampling window needs before it may open the circuit.</summary>
    public int MinimumThroughput { get; set; } = 8;

    /// <summary>The window over which failures are counted.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the circuit stays open before one probe call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// A decorator of the CRM port (registered with Scrutor's <c>Decorate</c>): a Polly circuit breaker per tenant,
/// so that while a tenant's CRM is down Relay stops calling it, lets one probe through now and then, and tells
/// the callers when to come back; and the priority of each call for the tenant's rate limit (rep-facing before bulk).
/// </summary>
public sealed class ResilientCrm(ICrm inner, CrmCircuitBreakers breakers) : ICrm
{
    public Task<IReadOnlyList<CrmPersonMatch>> FindPersonsByEmailAsync(CrmConnection connection, string email, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.FindPersonsByEmailAsync(connection, email, ct), cancellationToken);

    public Task<CrmPerson?> GetPersonAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.GetPersonAsync(connection, personId, ct), cancellationToken);

    public Task<int> CreateCompanyAsync(CrmConnection connection, NewCompany company, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.CreateCompanyAsync(connection, company, ct), cancellationToken);

    public Task<CrmPerson> CreatePersonAsync(CrmConnection connection, NewPerson person, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.CreatePersonAsync(connection, person, ct), cancellationToken);

    public Task<int> CreateSaleAsync(CrmConnection connection, NewSale sale, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.CreateSaleAsync(connection, sale, ct), cancellationToken);

    public Task<int> CreateAppointmentAsync(CrmConnection connection, NewAppointment appointment, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.CreateAppointmentAsync(connection, appointment, ct), cancellationToken);

    public Task<CrmCreatedObject?> FindCreatedObjectAsync(CrmConnection connection, CrmObjectKind kind, string reference, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.FindCreatedObjectAsync(connection, kind, reference, ct), cancellationToken);

    public Task SetSelectionMembershipAsync(CrmConnection connection, int selectionId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.Bulk, Done(ct => inner.SetSelectionMembershipAsync(connection, selectionId, person, member, ct)), cancellationToken);

    public Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.Bulk, Done(ct => inner.SetProjectMembershipAsync(connection, projectId, person, member, ct)), cancellationToken);

    public Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.Bulk, Done(ct => inner.SetPersonInterestAsync(connection, personId, interestId, selected, ct)), cancellationToken);

    private static Func<CancellationToken, Task<bool>> Done(Func<CancellationToken, Task> call) => async ct =>
    {
        await call(ct);
        return true;
    };

    private async Task<T> RunAsync<T>(CrmConnection connection, CrmPriority priority, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await breakers.For(connection.TenantId).ExecuteAsync(
                static async (state, ct) => await CrmCallContext.WithPriorityAsync(state.priority, () => state.call(ct)),
                (priority, call),
                cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw new CrmException(CrmErrorKind.Transient, "CircuitOpen", $"Tenant {connection.TenantId}: the CRM is failing; calls pause until a probe succeeds.", ex)
            {
                RetryAfter = ex.RetryAfter ?? breakers.BreakDuration,
            };
        }
    }
}

/// <summary>One Polly circuit breaker per tenant, from a <see cref="ResiliencePipelineRegistry{TKey}"/>.</summary>
public sealed class CrmCircuitBreakers(Microsoft.Extensions.Options.IOptions<CrmCircuitBreakerOptions> options, TimeProvider time) : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    /// <summary>How long an open circuit stays open.</summary>
    public TimeSpan BreakDuration => options.Value.BreakDuration;

    /// <summary>The tenant's pipeline.</summary>
    public ResiliencePipeline For(string tenantId) => _registry.GetOrAddPipeline(tenantId, builder =>
    {
        var o = options.Value;
        builder.TimeProvider = time;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = o.FailureRatio,
            MinimumThroughput = o.MinimumThroughput,
            SamplingDuration = o.SamplingDuration,
            BreakDuration = o.BreakDuration,

            // Only the CRM being unwell counts: not a refused request, not a wait for the rate limit.
            ShouldHandle = new PredicateBuilder().Handle<CrmException>(e => e.Kind != CrmErrorKind.Permanent && e.ErrorType != "RateLimited"),
        });
    });

    public void Dispose() => _registry.Dispose();
}
