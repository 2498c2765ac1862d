using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Relay.Crm;
using Relay.Crm.Online;

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

    public Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.RepFacing, ct => inner.FindCompaniesAsync(connection, search, max, ct), cancellationToken);

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
        RunAsync(connection, CrmPriority.Bulk, ct => inner.SetSelectionMembershipAsync(connection, selectionId, person, member, ct), cancellationToken);

    public Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.Bulk, ct => inner.SetProjectMembershipAsync(connection, projectId, person, member, ct), cancellationToken);

    public Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default) =>
        RunAsync(connection, CrmPriority.Bulk, ct => inner.SetPersonInterestAsync(connection, personId, interestId, selected, ct), cancellationToken);

    private Task<T> RunAsync<T>(CrmConnection connection, CrmPriority priority, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        breakers.ExecuteAsync(connection, priority, call, cancellationToken);

    private Task RunAsync(CrmConnection connection, CrmPriority priority, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        breakers.ExecuteAsync(connection, priority, call, cancellationToken);
}

/// <summary>
/// The <see cref="ICrmCatalog"/> decorator of <see cref="ResilientCrm"/>: the tenant's one circuit, so a CRM that is down
/// for the pipeline is down for pick lists and imports too. Member pages are bulk work; the rest keeps the caller's priority.
/// </summary>
public sealed class ResilientCrmCatalog(ICrmCatalog inner, CrmCircuitBreakers breakers) : ICrmCatalog
{
    public Task<CrmPage<CrmMember>> GetSelectionMembersAsync(CrmConnection connection, int selectionId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        breakers.ExecuteAsync(connection, CrmPriority.Bulk, ct => inner.GetSelectionMembersAsync(connection, selectionId, page, pageSize, ct), cancellationToken);

    public Task<CrmPage<CrmMember>> GetProjectMembersAsync(CrmConnection connection, int projectId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        breakers.ExecuteAsync(connection, CrmPriority.Bulk, ct => inner.GetProjectMembersAsync(connection, projectId, page, pageSize, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetAssociatesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetAssociatesAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetUserGroupsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetUserGroupsAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetInterestsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetInterestsAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSelectionsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetSelectionsAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetProjectsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetProjectsAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetSaleTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetSaleTypesAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetTaskTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetTaskTypesAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetCountriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetCountriesAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetCategoriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetCategoriesAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmListItem>> GetBusinessesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.GetBusinessesAsync(connection, ct), cancellationToken);

    public Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.SearchPersonsAsync(connection, text, max, ct), cancellationToken);

    public Task<CrmUser?> ResolveUserTicketAsync(CrmConnection connection, string userTicket, CancellationToken cancellationToken = default) =>
        RunAsync(connection, ct => inner.ResolveUserTicketAsync(connection, userTicket, ct), cancellationToken);

    /// <summary>
    /// Not through the circuit: a connection test is asked for most when the CRM is failing, and must reach it then; its
    /// failure says what is wrong and is not counted against the tenant's circuit. The rate limit still applies.
    /// </summary>
    public Task<CrmSignInCheck> CheckSignInAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        inner.CheckSignInAsync(connection, cancellationToken);

    private Task<T> RunAsync<T>(CrmConnection connection, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        breakers.ExecuteAsync(connection, CrmCallContext.Priority, call, cancellationToken);
}

/// <summary>
/// The <see cref="ICrmConsents"/> decorator of <see cref="ResilientCrm"/>: the tenant's one circuit, at the caller's
/// priority (a contact's own change is rep-facing; the reconciler's sweep enters bulk).
/// </summary>
public sealed class ResilientCrmConsents(ICrmConsents inner, CrmCircuitBreakers breakers) : ICrmConsents
{
    public Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default) =>
        breakers.ExecuteAsync(connection, CrmCallContext.Priority, ct => inner.SetConsentAsync(connection, personId, consent, ct), cancellationToken);

    public Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default) =>
        breakers.ExecuteAsync(connection, CrmCallContext.Priority, ct => inner.RemoveConsentAsync(connection, personId, purposeKey, ct), cancellationToken);

    public Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        breakers.ExecuteAsync(connection, CrmCallContext.Priority, ct => inner.GetConsentsAsync(connection, personId, ct), cancellationToken);
}

/// <summary>One Polly circuit breaker per tenant, from a <see cref="ResiliencePipelineRegistry{TKey}"/>.</summary>
public sealed class CrmCircuitBreakers(Microsoft.Extensions.Options.IOptions<CrmCircuitBreakerOptions> options, TimeProvider time) : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();
    /// <summary>
    /// Each tenant's circuit state, as its circuit's events report it. Not a <see cref="CircuitBreakerStateProvider"/>:
    /// the registry may build a tenant's pipeline twice when two calls race to create it, and a state provider can serve
    /// only one circuit. The pipeline that loses the race never runs, so only the one in use reports.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);

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
            OnOpened = _ => Report(tenantId, Tenants.CircuitBreakerStates.Open),
            OnHalfOpened = _ => Report(tenantId, Tenants.CircuitBreakerStates.HalfOpen),
            OnClosed = _ => Report(tenantId, Tenants.CircuitBreakerStates.Closed),

            // Only the CRM being unwell counts: not a refused request, not a wait for the rate limit, not an Online
            // tenant that is paused or moving (its own RetryAfter already holds the work back).
            ShouldHandle = new PredicateBuilder().Handle<CrmException>(e => e.Kind != CrmErrorKind.Permanent && e.ErrorType != "RateLimited" && !OnlineErrors.IsPauseOrMove(e)),
        });
    });

    /// <summary>The state of the tenant's circuit on this silo, as <see cref="Tenants.CircuitBreakerStates"/> names it; closed when it never ran.</summary>
    public string StateOf(string tenantId) => _states.GetValueOrDefault(tenantId, Tenants.CircuitBreakerStates.Closed);

    private ValueTask Report(string tenantId, string state)
    {
        _states[tenantId] = state;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Runs one CRM call of the tenant through its circuit, at <paramref name="priority"/> for the rate limit; an open
    /// circuit fails fast with a transient <see cref="CrmException"/> that says when to come back.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(CrmConnection connection, CrmPriority priority, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await For(connection.TenantId).ExecuteAsync(
                static async (state, ct) => await CrmCallContext.WithPriorityAsync(state.priority, () => state.call(ct)),
                (priority, call),
                cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw new CrmException(CrmErrorKind.Transient, "CircuitOpen", $"Tenant {connection.TenantId}: the CRM is failing; calls pause until a probe succeeds.", ex)
            {
                RetryAfter = ex.RetryAfter ?? BreakDuration,
            };
        }
    }

    /// <summary>The same for a call without a result.</summary>
    public Task ExecuteAsync(CrmConnection connection, CrmPriority priority, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection,
            priority,
            async ct =>
            {
                await call(ct);
                return true;
            },
            cancellationToken);

    public void Dispose() => _registry.Dispose();
}
