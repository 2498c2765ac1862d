using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Relay.Crm;

/// <summary>
/// A decorator of the CRM port that times and counts every call and logs failures, whatever
/// implementation sits underneath. Registered with Scrutor's <c>Decorate</c>.
/// </summary>
public sealed partial class InstrumentedCrm(ICrm inner, RelayMetrics metrics, ILogger<InstrumentedCrm> logger) : ICrm
{
    public Task<IReadOnlyList<CrmPersonMatch>> FindPersonsByEmailAsync(CrmConnection connection, string email, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "FindPersonsByEmail", () => inner.FindPersonsByEmailAsync(connection, email, cancellationToken));

    public Task<CrmPerson?> GetPersonAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetPerson", () => inner.GetPersonAsync(connection, personId, cancellationToken));

    public Task<IReadOnlyList<CrmCompany>> FindCompaniesAsync(CrmConnection connection, CompanySearch search, int max, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "FindCompanies", () => inner.FindCompaniesAsync(connection, search, max, cancellationToken));

    public Task<int> CreateCompanyAsync(CrmConnection connection, NewCompany company, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "CreateCompany", () => inner.CreateCompanyAsync(connection, company, cancellationToken));

    public Task<CrmPerson> CreatePersonAsync(CrmConnection connection, NewPerson person, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "CreatePerson", () => inner.CreatePersonAsync(connection, person, cancellationToken));

    public Task<int> CreateSaleAsync(CrmConnection connection, NewSale sale, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "CreateSale", () => inner.CreateSaleAsync(connection, sale, cancellationToken));

    public Task<int> CreateAppointmentAsync(CrmConnection connection, NewAppointment appointment, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "CreateAppointment", () => inner.CreateAppointmentAsync(connection, appointment, cancellationToken));

    public Task<CrmCreatedObject?> FindCreatedObjectAsync(CrmConnection connection, CrmObjectKind kind, string reference, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "FindCreatedObject", () => inner.FindCreatedObjectAsync(connection, kind, reference, cancellationToken));

    public Task SetSelectionMembershipAsync(CrmConnection connection, int selectionId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "SetSelectionMembership", async () =>
        {
            await inner.SetSelectionMembershipAsync(connection, selectionId, person, member, cancellationToken);
            return true;
        });

    public Task SetProjectMembershipAsync(CrmConnection connection, int projectId, CrmPersonRef person, bool member, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "SetProjectMembership", async () =>
        {
            await inner.SetProjectMembershipAsync(connection, projectId, person, member, cancellationToken);
            return true;
        });

    public Task SetPersonInterestAsync(CrmConnection connection, int personId, int interestId, bool selected, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "SetPersonInterest", async () =>
        {
            await inner.SetPersonInterestAsync(connection, personId, interestId, selected, cancellationToken);
            return true;
        });

    private Task<T> ObserveAsync<T>(CrmConnection connection, string operation, Func<Task<T>> call) => ObserveAsync(metrics, logger, connection, operation, call);

    /// <summary>Times, counts and traces one call of any CRM port, and logs its failure.</summary>
    internal static async Task<T> ObserveAsync<T>(RelayMetrics metrics, ILogger logger, CrmConnection connection, string operation, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        Tenants.TenantError? failure = null;
        using var activity = Observability.RelayTelemetry.Source.StartActivity("crm " + operation, ActivityKind.Client);
        activity?.SetTag("relay.tenant", connection.TenantId);
        try
        {
            return await call();
        }
        catch (CrmException ex)
        {
            outcome = ex.Kind.ToString().ToLowerInvariant();
            failure = new(DateTimeOffset.UtcNow, "crm", ex.ErrorType, $"{operation}: {ex.Message}");
            LogFailed(logger, connection.TenantId, operation, ex.Kind, ex.ErrorType, ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = "error";
            failure = new(DateTimeOffset.UtcNow, "crm", ex.GetType().Name, $"{operation}: {ex.Message}");
            LogFailed(logger, connection.TenantId, operation, CrmErrorKind.Transient, ex.GetType().Name, ex.Message);
            throw;
        }
        finally
        {
            activity?.SetTag("relay.crm.outcome", outcome);
            activity?.SetStatus(outcome == "ok" ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            metrics.RecordCrmCall(connection.TenantId, operation, outcome, Stopwatch.GetElapsedTime(started), failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CRM call {Operation} for tenant {TenantId} failed ({Kind}, {ErrorType}): {Message}")]
    private static partial void LogFailed(ILogger logger, string tenantId, string operation, CrmErrorKind kind, string errorType, string message);
}

/// <summary>The <see cref="ICrmCatalog"/> decorator of <see cref="InstrumentedCrm"/>: the same instruments, by operation.</summary>
public sealed class InstrumentedCrmCatalog(ICrmCatalog inner, RelayMetrics metrics, ILogger<InstrumentedCrmCatalog> logger) : ICrmCatalog
{
    public Task<CrmPage<CrmMember>> GetSelectionMembersAsync(CrmConnection connection, int selectionId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetSelectionMembers", () => inner.GetSelectionMembersAsync(connection, selectionId, page, pageSize, cancellationToken));

    public Task<CrmPage<CrmMember>> GetProjectMembersAsync(CrmConnection connection, int projectId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetProjectMembers", () => inner.GetProjectMembersAsync(connection, projectId, page, pageSize, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetAssociatesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetAssociates", () => inner.GetAssociatesAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetUserGroupsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetUserGroups", () => inner.GetUserGroupsAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetInterestsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetInterests", () => inner.GetInterestsAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetSelectionsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetSelections", () => inner.GetSelectionsAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetProjectsAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetProjects", () => inner.GetProjectsAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetSaleTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetSaleTypes", () => inner.GetSaleTypesAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetTaskTypesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetTaskTypes", () => inner.GetTaskTypesAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetCountriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetCountries", () => inner.GetCountriesAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetCategoriesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetCategories", () => inner.GetCategoriesAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmListItem>> GetBusinessesAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "GetBusinesses", () => inner.GetBusinessesAsync(connection, cancellationToken));

    public Task<IReadOnlyList<CrmPersonMatch>> SearchPersonsAsync(CrmConnection connection, string text, int max, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "SearchPersons", () => inner.SearchPersonsAsync(connection, text, max, cancellationToken));

    public Task<CrmUser?> ResolveUserTicketAsync(CrmConnection connection, string userTicket, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "ResolveUserTicket", () => inner.ResolveUserTicketAsync(connection, userTicket, cancellationToken));

    public Task<CrmSignInCheck> CheckSignInAsync(CrmConnection connection, CancellationToken cancellationToken = default) =>
        ObserveAsync(connection, "CheckSignIn", () => inner.CheckSignInAsync(connection, cancellationToken));

    private Task<T> ObserveAsync<T>(CrmConnection connection, string operation, Func<Task<T>> call) => InstrumentedCrm.ObserveAsync(metrics, logger, connection, operation, call);
}

/// <summary>The <see cref="ICrmConsents"/> decorator of <see cref="InstrumentedCrm"/>: the same instruments, by operation.</summary>
public sealed class InstrumentedCrmConsents(ICrmConsents inner, RelayMetrics metrics, ILogger<InstrumentedCrmConsents> logger) : ICrmConsents
{
    public Task SetConsentAsync(CrmConnection connection, int personId, CrmConsent consent, CancellationToken cancellationToken = default) =>
        InstrumentedCrm.ObserveAsync(metrics, logger, connection, "SetConsent", async () =>
        {
            await inner.SetConsentAsync(connection, personId, consent, cancellationToken);
            return true;
        });

    public Task RemoveConsentAsync(CrmConnection connection, int personId, string purposeKey, CancellationToken cancellationToken = default) =>
        InstrumentedCrm.ObserveAsync(metrics, logger, connection, "RemoveConsent", async () =>
        {
            await inner.RemoveConsentAsync(connection, personId, purposeKey, cancellationToken);
            return true;
        });

    public Task<IReadOnlyList<CrmConsentInfo>> GetConsentsAsync(CrmConnection connection, int personId, CancellationToken cancellationToken = default) =>
        InstrumentedCrm.ObserveAsync(metrics, logger, connection, "GetConsents", () => inner.GetConsentsAsync(connection, personId, cancellationToken));
}

/// <summary>Relay's own instruments, on the meter <c>Relay</c>.</summary>
public sealed class RelayMetrics : IDisposable
{
    /// <summary>The meter name to export.</summary>
    public const string MeterName = "Relay";

    private readonly Meter _meter;
    private readonly Counter<long> _crmCalls;
    private readonly Histogram<double> _crmLatency;
    private readonly Observability.TenantActivity? _tenants;

    /// <summary>The instruments, and the per-tenant counts of the console's status (<paramref name="tenants"/>, on silos).</summary>
    public RelayMetrics(IMeterFactory meterFactory, Observability.TenantActivity? tenants = null)
    {
        _tenants = tenants;
        _meter = meterFactory.Create(MeterName);
        _crmCalls = _meter.CreateCounter<long>("relay.crm.calls", description: "CRM calls by operation and outcome");
        _crmLatency = _meter.CreateHistogram<double>("relay.crm.duration", unit: "ms", description: "CRM call latency");
    }

    /// <summary>Counts and times one CRM call of a tenant; <paramref name="failure"/> is its error when it failed.</summary>
    public void RecordCrmCall(string tenantId, string operation, string outcome, TimeSpan elapsed, Tenants.TenantError? failure = null)
    {
        _tenants?.CrmCall(tenantId, failure);
        var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
        _crmCalls.Add(1, tags);
        _crmLatency.Record(elapsed.TotalMilliseconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
