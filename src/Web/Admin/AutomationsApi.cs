using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Relay.Admin;
using Relay.Crm;
using Relay.Tenants;
using Relay.Web.Console;

namespace Relay.Web.Admin;

/// <summary>
/// One automation at a time, with optimistic concurrency: <c>GET</c>/<c>PUT</c>/<c>DELETE /api/admin/tenants/{tenant}/automations/{id}</c>
/// answer with a strong <c>ETag</c> and take <c>If-Match</c> (412 when someone else changed the automation, 428 when it
/// exists and none was sent); <c>…/{id}/history</c> is who changed it when; <c>…/automations/check</c> checks every
/// automation's SuperOffice references.
/// </summary>
public static class AutomationsApi
{
    /// <summary>The largest history page.</summary>
    public const int MaxHistoryPage = 200;

    /// <summary>Maps the endpoints, and SuperOffice's pick lists (<see cref="CrmListsApi"/>) the automations are built from.</summary>
    public static IEndpointRouteBuilder MapAutomationsApi(this IEndpointRouteBuilder app)
    {
        app.MapCrmListsApi();
        var admin = app.MapAdminGroup();
        admin.MapGet("/tenants/{tenant}/automations/check", CheckAsync);
        admin.MapGet("/tenants/{tenant}/automations/{id}", GetAsync);
        admin.MapPut("/tenants/{tenant}/automations/{id}", PutAsync);
        admin.MapDelete("/tenants/{tenant}/automations/{id}", DeleteAsync);
        admin.MapGet("/tenants/{tenant}/automations/{id}/history", HistoryAsync);
        return app;
    }

    private static async Task<Results<Ok<Automation>, ProblemHttpResult>> GetAsync(string tenant, string id, HttpResponse response, IGrainFactory grains)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is not { } config)
        {
            return Problems.UnknownTenant(tenant);
        }

        if (config.Automations.FirstOrDefault(a => a.Id == id) is not { } automation)
        {
            return NoSuchAutomation(id);
        }

        response.Headers.ETag = AutomationETag.Of(automation);
        return TypedResults.Ok(automation);
    }

    private static async Task<Results<Ok<AutomationSaved>, Created<AutomationSaved>, ProblemHttpResult>> PutAsync(string tenant, string id, HttpRequest request, IGrainFactory grains)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        var (sent, error) = await AdminApi.ReadAsync<Automation>(request);
        if (error is not null)
        {
            return error;
        }

        if (sent!.Id is not null && sent.Id != id)
        {
            return AdminApi.Invalid("The automation was rejected", [$"id: '{sent.Id}' is not the id in the URL ('{id}'); an automation cannot be renamed"]);
        }

        var automation = sent with { Id = id };
        var (problems, check) = await ValidateAsync(grains, tenant, automation, request.HttpContext.RequestAborted);
        if (problems.Count > 0)
        {
            return AdminApi.Invalid("The automation was rejected", problems);
        }

        var write = await grains.GetGrain<ITenantGrain>(tenant).PutAutomationAsync(automation, IfMatch(request));
        if (await RefusedAsync(grains, tenant, id, write) is { } refused)
        {
            return refused;
        }

        await RecordAsync(grains, tenant, ConsoleUser.Who(request.HttpContext.User), write);
        request.HttpContext.Response.Headers.ETag = write.ETag;
        var saved = new AutomationSaved(write.After!, write.ETag!, check);
        return write.Outcome == AutomationWriteOutcome.Created
            ? TypedResults.Created($"/api/admin/tenants/{tenant}/automations/{Uri.EscapeDataString(id)}", saved)
            : TypedResults.Ok(saved);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string tenant, string id, HttpRequest request, IGrainFactory grains)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        var write = await grains.GetGrain<ITenantGrain>(tenant).DeleteAutomationAsync(id, IfMatch(request));
        if (await RefusedAsync(grains, tenant, id, write) is { } refused)
        {
            return refused;
        }

        await RecordAsync(grains, tenant, ConsoleUser.Who(request.HttpContext.User), write);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AutomationHistoryPage>, ProblemHttpResult>> HistoryAsync(string tenant, string id, IGrainFactory grains, int skip = 0, int take = 50)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        var page = await grains.GetGrain<IAdminLogGrain>(tenant).GetAsync(AdminAreas.Automation, id, Paging.Skip(skip), Paging.Take(take, MaxHistoryPage));
        return TypedResults.Ok(new AutomationHistoryPage(page.Total, [.. page.Entries.Select(AutomationHistoryEntry.From)]));
    }

    private static async Task<Results<Ok<AutomationCheckReport>, ProblemHttpResult>> CheckAsync(string tenant, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is not { } config)
        {
            return Problems.UnknownTenant(tenant);
        }

        var check = await AutomationCheck.RunAsync(grains, tenant, config.Automations, fresh: true, cancellationToken);
        if (!check.Ran)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "The check could not run", check.Detail!);
        }

        return TypedResults.Ok(new AutomationCheckReport(
            check.At,
            [.. config.Automations.Select(a => new AutomationProblems(a.Id, a.Name, check.Problems.GetValueOrDefault(a.Id) ?? []))]));
    }

    /// <summary>The structural problems of <paramref name="automation"/>, then those of its SuperOffice references (when SuperOffice could be asked).</summary>
    internal static async Task<(IReadOnlyList<string> Problems, AutomationCheck Check)> ValidateAsync(IGrainFactory grains, string tenant, Automation automation, CancellationToken cancellationToken)
    {
        var problems = AutomationValidator.ValidateOne(automation);
        if (problems.Count > 0)
        {
            return (problems, AutomationCheck.Skipped);
        }

        // A record created in SuperOffice a moment ago may be missing from a cached list: refuse only what the lists
        // read afresh still lack.
        var check = await AutomationCheck.RunAsync(grains, tenant, [automation], fresh: false, cancellationToken);
        if (check.Problems.GetValueOrDefault(automation.Id) is { Count: > 0 })
        {
            check = await AutomationCheck.RunAsync(grains, tenant, [automation], fresh: true, cancellationToken);
        }

        return (check.Problems.GetValueOrDefault(automation.Id) ?? [], check);
    }

    /// <summary>Records an applied write in the tenant's admin log as <paramref name="who"/> did it.</summary>
    internal static async Task RecordAsync(IGrainFactory grains, string tenant, string who, AutomationWrite write)
    {
        if (!write.Applied)
        {
            return;
        }

        await grains.GetGrain<IAdminLogGrain>(tenant).RecordAsync(ChangeOf(who, write));
    }

    private static AdminChange ChangeOf(string who, AutomationWrite write)
    {
        var action = write.Outcome switch
        {
            AutomationWriteOutcome.Created => "created",
            AutomationWriteOutcome.Deleted => "deleted",
            _ => "changed",
        };
        return new AdminChange(AdminAreas.Automation, (write.After ?? write.Before)!.Id, action, who, Json(write.Before), Json(write.After));
    }

    /// <summary>Records each automation the whole-array <c>PUT</c> created, changed or deleted.</summary>
    internal static async Task RecordReplacedAsync(IGrainFactory grains, string tenant, string who, IReadOnlyList<Automation> before, IReadOnlyList<Automation> after)
    {
        var old = before.ToDictionary(a => a.Id);
        var writes = after
            .Select(a => old.GetValueOrDefault(a.Id) is { } b
                ? (AutomationETag.Of(b) == AutomationETag.Of(a) ? null : new AutomationWrite(AutomationWriteOutcome.Replaced, b, a))
                : new AutomationWrite(AutomationWriteOutcome.Created, null, a))
            .Concat(before.Where(b => after.All(a => a.Id != b.Id)).Select(b => new AutomationWrite(AutomationWriteOutcome.Deleted, b)));
        // One write of the log for the whole array, however many automations it touched.
        var changes = writes.OfType<AutomationWrite>().Select(w => ChangeOf(who, w)).ToImmutableArray();
        if (changes.Length > 0)
        {
            await grains.GetGrain<IAdminLogGrain>(tenant).RecordManyAsync(changes);
        }
    }

    /// <summary>What the last recorded change of an automation was, for telling an editor who got there first.</summary>
    internal static async Task<AdminLogEntry?> LastChangeAsync(IGrainFactory grains, string tenant, string id) =>
        (await grains.GetGrain<IAdminLogGrain>(tenant).GetAsync(AdminAreas.Automation, id, 0, 1)).Entries.FirstOrDefault();

    /// <summary>The sentence an editor reads when someone else changed or deleted the automation since they read it.</summary>
    internal static string ConflictMessage(string id, AutomationWrite write, AdminLogEntry? last) =>
        $"Someone else changed this automation ('{id}'){(last is null ? "" : $": {last.Change.Who} {last.Change.Action} it at {ConsolePageModel.When(last.At)}")}. "
        + (write.Before is null ? "It no longer exists." : "Your changes were not saved; load it again to see theirs, then make yours.");

    private static async Task<ProblemHttpResult?> RefusedAsync(IGrainFactory grains, string tenant, string id, AutomationWrite write)
    {
        switch (write.Outcome)
        {
            case AutomationWriteOutcome.Invalid:
                return AdminApi.Invalid("The automation was rejected", write.Errors);
            case AutomationWriteOutcome.NoTenant:
                return Problems.UnknownTenant(tenant);
            case AutomationWriteOutcome.NotFound:
                return NoSuchAutomation(id);
            case AutomationWriteOutcome.PreconditionRequired:
                return Problems.Create(
                    StatusCodes.Status428PreconditionRequired,
                    "If-Match required",
                    $"Automation '{id}' exists: send If-Match with the ETag you read it with (GET it), or If-Match: * to overwrite whatever is there.",
                    new Dictionary<string, object?> { ["currentETag"] = write.ETag });
            case AutomationWriteOutcome.Conflict:
                var last = await LastChangeAsync(grains, tenant, id);
                return Problems.Create(
                    StatusCodes.Status412PreconditionFailed,
                    "Someone else changed this automation",
                    ConflictMessage(id, write, last),
                    new Dictionary<string, object?> { ["currentETag"] = write.ETag, ["changedBy"] = last?.Change.Who, ["changedAt"] = last?.At });
            default:
                return null;
        }
    }

    private static string? IfMatch(HttpRequest request) => request.Headers.IfMatch.Count > 0 ? request.Headers.IfMatch.ToString() : null;

    private static string? Json(Automation? automation) => automation is null ? null : JsonSerializer.Serialize(automation, RelayJson.Options);

    private static ProblemHttpResult NoSuchAutomation(string id) =>
        Problems.Create(StatusCodes.Status404NotFound, "No such automation", $"There is no automation '{id}'.");
}

/// <summary>An automation as saved, its new ETag, and whether its SuperOffice references could be checked.</summary>
public sealed record AutomationSaved(Automation Automation, [property: JsonPropertyName("etag")] string ETag, AutomationCheck ReferenceCheck);

/// <summary>One page of an automation's history, newest first.</summary>
public sealed record AutomationHistoryPage(int Total, IReadOnlyList<AutomationHistoryEntry> Entries);

/// <summary>One change of an automation: who did what when, with the automation before and after (null where there was none).</summary>
public sealed record AutomationHistoryEntry(long Sequence, DateTimeOffset At, string Who, string Action, JsonNode? Before, JsonNode? After)
{
    /// <summary>The entry of an admin log entry.</summary>
    public static AutomationHistoryEntry From(AdminLogEntry entry) =>
        new(entry.Sequence, entry.At, entry.Change.Who, entry.Change.Action, Parse(entry.Change.Before), Parse(entry.Change.After));

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}

/// <summary>What <c>GET …/automations/check</c> found: every automation, with the problems of its SuperOffice references.</summary>
public sealed record AutomationCheckReport(DateTimeOffset CheckedAt, IReadOnlyList<AutomationProblems> Automations);

/// <summary>One automation's problems; empty when every record it names exists.</summary>
public sealed record AutomationProblems(string Id, string? Name, IReadOnlyList<string> Problems);

/// <summary>
/// The SuperOffice references of some automations checked against the tenant's pick lists; when SuperOffice could not
/// be asked, <see cref="Ran"/> is false and <see cref="Detail"/> says why.
/// </summary>
public sealed record AutomationCheck(bool Ran, DateTimeOffset At, string? Detail, IReadOnlyDictionary<string, IReadOnlyList<string>> Problems)
{
    /// <summary>Not run, because the automation already had other problems.</summary>
    public static AutomationCheck Skipped { get; } = new(false, default, "The automation has other problems first.", new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>Checks <paramref name="automations"/>; <paramref name="fresh"/> reads SuperOffice's lists now instead of reusing a minute-old copy.</summary>
    public static async Task<AutomationCheck> RunAsync(IGrainFactory grains, string tenant, IReadOnlyList<Automation> automations, bool fresh, CancellationToken cancellationToken)
    {
        try
        {
            var lists = await CrmListsApi.LoadAsync(grains, tenant, AutomationReferences.ListsNeeded(automations), fresh, cancellationToken);
            return new AutomationCheck(true, DateTimeOffset.UtcNow, null, automations.ToDictionary(a => a.Id, a => AutomationReferences.Check(a, lists)));
        }
        catch (Exception ex) when (ex is CrmException or TimeoutException)
        {
            return new AutomationCheck(false, DateTimeOffset.UtcNow, $"The SuperOffice references could not be checked: {ex.Message}", new Dictionary<string, IReadOnlyList<string>>());
        }
    }
}
