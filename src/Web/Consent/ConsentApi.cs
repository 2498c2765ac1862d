using Relay.Consent;
using Relay.Contacts;
using Relay.Triggers;
using Relay.Web.Admin;
using Relay.Web.Ingest;
using Relay.Web.Recovery;

namespace Relay.Web.Consent;

/// <summary>A consent change sent through the API instead of as a <c>consent.changed</c> trigger.</summary>
public sealed record ConsentChangeRequest(
    string? Id, string? Purpose, string? LegalBasis, bool? Granted, string? Source, string? Comment, DateTimeOffset? OccurredAt, string? Email, int? CrmPersonId);

/// <summary>The ids of accepted consent changes.</summary>
public sealed record ConsentAccepted(IReadOnlyList<string> Accepted);

/// <summary>One entry of the consent log as the API shows it: the contact, its person and the latest record, flat.</summary>
public sealed record ConsentLogEntryView(
    long Sequence, string ContactId, int? PersonId, string Purpose, string LegalBasis, bool Granted, string? Source, string? Comment,
    DateTimeOffset ChangedAt, ConsentOrigin Origin, DateTimeOffset? SyncedAt, string? SyncError)
{
    /// <summary>The view of a log entry.</summary>
    public static ConsentLogEntryView From(ConsentEntry e) =>
        new(e.Sequence, e.ContactId, e.PersonId, e.Record.Purpose, e.Record.LegalBasis, e.Record.Granted, e.Record.Source, e.Record.Comment,
            e.Record.ChangedAt, e.Record.Origin, e.Record.SyncedAt, e.Record.SyncError);
}

/// <summary>A page of the consent log; <see cref="Next"/> is the <c>since</c> of the following page.</summary>
public sealed record ConsentLogView(IEnumerable<ConsentLogEntryView> Entries, long Next, bool HasMore);

/// <summary>
/// Legal basis per contact: post a change (the <c>ingest</c> scope), read a contact's records,
/// read the tenant's consent log (the <c>read</c> scope) with <c>since</c> paging (how Services75 installations get them), reconcile
/// with SuperOffice (Services88) and list the conflicts found.
/// </summary>
public static class ConsentApi
{
    /// <summary>The largest log page.</summary>
    public const int MaxPage = 1000;

    /// <summary>Maps the consent endpoints, each behind its scope.</summary>
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/api/tenants/{tenant}");
        tenant.MapPost("/contacts/{contactId}/consents", PostAsync).RequireAuthorization(RelayPolicies.Ingest);
        tenant.MapGet("/contacts/{contactId}/consents", GetContactAsync).RequireAuthorization(RelayPolicies.Read);
        tenant.MapGet("/consents", GetLogAsync).RequireAuthorization(RelayPolicies.Read);
        var admin = app.MapGroup("/api/admin/tenants/{tenant}/consents").RequireAuthorization(RelayPolicies.Admin);
        admin.MapPost("/reconcile", (string tenant, IGrainFactory grains) =>
            AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<IConsentReconcilerGrain>(tenant).ReconcileAsync()));
        admin.MapGet("/conflicts", (string tenant, IGrainFactory grains, int take = 100) =>
            AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<IConsentReconcilerGrain>(tenant).GetConflictsAsync(Paging.Take(take, MaxPage))));
        return app;
    }

    /// <summary>The change becomes a <c>consent.changed</c> trigger on the contact's stream, so it keeps its order with the contact's other triggers and is deduplicated by id.</summary>
    private static async Task<Results<Accepted<ConsentAccepted>, ValidationProblem, ProblemHttpResult>> PostAsync(string tenant, string contactId, ConsentChangeRequest request, IGrainFactory grains, TriggerIngest ingest, ClusterCalls calls, HttpContext http, TimeProvider time)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        var errors = new Dictionary<string, string[]>();
        if (contactId.Length is 0 or > TriggerParser.MaxIdLength)
        {
            errors["contactId"] = [$"1–{TriggerParser.MaxIdLength} characters"];
        }

        if (request.Purpose is not { Length: > 0 and <= 100 })
        {
            errors["purpose"] = ["required, 1–100 characters, e.g. email-marketing"];
        }

        if (request.LegalBasis is not { Length: > 0 and <= 100 })
        {
            errors["legalBasis"] = ["required, 1–100 characters, e.g. consent or legitimate-interest"];
        }

        if (request.Granted is null)
        {
            errors["granted"] = ["required: true or false"];
        }

        if (request.Id is { Length: 0 or > TriggerParser.MaxIdLength })
        {
            errors["id"] = [$"1–{TriggerParser.MaxIdLength} characters when given"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The consent change was rejected");
        }

        var trigger = new Trigger(
            request.Id ?? "consent-" + Guid.NewGuid().ToString("N"),
            TriggerType.ConsentChanged,
            request.OccurredAt ?? time.GetUtcNow(),
            new ContactFields(contactId, request.Email, CrmPersonId: request.CrmPersonId is > 0 ? request.CrmPersonId : null),
            Consent: new ConsentChange(request.Purpose!, request.LegalBasis!, request.Granted!.Value, request.Source, request.Comment));
        var (accepted, failure) = await ingest.SendAsync(tenant, [trigger], calls.BudgetOf(http));
        if (failure is null && accepted.Count == 1)
        {
            return TypedResults.Accepted($"/api/tenants/{tenant}/contacts/{contactId}/consents", new ConsentAccepted(accepted));
        }

        ClusterRecovery.SetRetryAfter(http.Response, calls.Settings.RetryAfter);
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not accepted", "The cluster did not take the change; send it again after the Retry-After seconds (it is deduplicated by id).");
    }

    private static Task<Results<Ok<ImmutableArray<ConsentRecord>>, ProblemHttpResult>> GetContactAsync(string tenant, string contactId, IGrainFactory grains) =>
        AdminApi.ForTenantAsync(grains, tenant, () => grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId)).GetConsentsAsync());

    private static Task<Results<Ok<ConsentLogView>, ProblemHttpResult>> GetLogAsync(string tenant, IGrainFactory grains, long since = 0, int take = 500) =>
        AdminApi.ForTenantAsync(grains, tenant, async () =>
        {
            var page = await grains.GetGrain<IConsentLogGrain>(tenant).GetSinceAsync(Paging.Since(since), Paging.Take(take, MaxPage));
            return new ConsentLogView(page.Entries.Select(ConsentLogEntryView.From), page.Next, page.HasMore);
        });
}
