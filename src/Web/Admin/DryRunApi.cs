using System.Text.Json;
using Relay.DryRun;
using Relay.Triggers;

namespace Relay.Web.Admin;

/// <summary>
/// <c>POST /api/admin/tenants/{tenant}/automations/dry-run</c>: what a trigger would do — the automations it matches, how
/// the contact resolves, the CRM writes in order — with nothing written anywhere. Behind the tenant's <c>admin</c> scope.
/// </summary>
public static class DryRunApi
{
    /// <summary>The largest body accepted: one trigger.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Maps the dry-run endpoint.</summary>
    public static IEndpointRouteBuilder MapDryRunApi(this IEndpointRouteBuilder app)
    {
        app.MapAdminGroup().MapPost("/tenants/{tenant}/automations/dry-run", PostAsync)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes));
        return app;
    }

    /// <summary>
    /// Takes <c>{"trigger": {…contract v1…}}</c>, or <c>{"contactId": "…", "triggerId": "…"}</c> for a trigger on that
    /// contact's timeline. 400 with a reason per field for bad input; 404 for an unknown tenant, contact or trigger.
    /// </summary>
    private static async Task<Results<Ok<DryRunReport>, ValidationProblem, ProblemHttpResult>> PostAsync(
        string tenant, HttpRequest request, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        if (request.HasJsonContentType() is false)
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "JSON expected", "Send the body with Content-Type: application/json.");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "The body is too large", $"A dry run takes one trigger, at most {MaxBodyBytes} bytes.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "The body is not valid JSON", ex.Message);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body without Content-Length (chunked) that runs past the endpoint's size limit.
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "The body is too large", $"A dry run takes one trigger, at most {MaxBodyBytes} bytes.");
        }

        using (document)
        {
            var (dryRun, errors) = DryRunInput.Read(document.RootElement, time.GetUtcNow());
            if (dryRun is null)
            {
                return TypedResults.ValidationProblem(errors, detail: "Nothing was run. Fix the listed fields and send it again.", title: "The dry run was refused");
            }

            return await RunAsync(grains, tenant, dryRun, cancellationToken) switch
            {
                { Report: { } report } => TypedResults.Ok(report),
                var missing => NotFound(missing),
            };
        }
    }

    /// <summary>Runs a dry run on the tenant's silo-side grain.</summary>
    internal static Task<DryRunAnswer> RunAsync(IGrainFactory grains, string tenant, DryRunRequest request, CancellationToken cancellationToken) =>
        grains.GetGrain<IDryRunGrain>(tenant).RunAsync(request, cancellationToken);

    private static ProblemHttpResult NotFound(DryRunAnswer answer) => Problems.Create(
        StatusCodes.Status404NotFound,
        answer.Missing switch
        {
            DryRunMissing.Contact => "Unknown contact",
            DryRunMissing.Trigger => "Unknown trigger",
            _ => "Unknown tenant",
        },
        answer.Detail ?? "Nothing to dry-run.");
}

/// <summary>Reads what a dry run is asked for, from the API's body or the console's form, with a reason per bad field.</summary>
internal static class DryRunInput
{
    /// <summary>The body: <c>{"trigger": {…}}</c> or <c>{"contactId", "triggerId"}</c>.</summary>
    public static (DryRunRequest? Request, Dictionary<string, string[]> Errors) Read(JsonElement body, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Refused($"send a JSON object, got {TriggerParser.Describe(body.ValueKind)}");
        }

        var hasTrigger = body.TryGetProperty("trigger", out var trigger);
        var hasContact = body.TryGetProperty("contactId", out var contactId);
        var hasTriggerId = body.TryGetProperty("triggerId", out var triggerId);
        if (hasTrigger && (hasContact || hasTriggerId))
        {
            return Refused("send either a trigger, or a contactId and a triggerId from its timeline; not both");
        }

        if (hasTrigger)
        {
            return Trigger(trigger, now, "trigger");
        }

        return hasContact || hasTriggerId
            ? Timeline(StringOrNull(contactId), StringOrNull(triggerId))
            : Refused("send {\"trigger\": {…}} with a contract-v1 trigger, or {\"contactId\": \"…\", \"triggerId\": \"…\"} for a trigger on a contact's timeline");
    }

    /// <summary>A contract-v1 trigger; the errors name its fields under <paramref name="field"/> (none when empty).</summary>
    public static (DryRunRequest? Request, Dictionary<string, string[]> Errors) Trigger(JsonElement trigger, DateTimeOffset now, string field)
    {
        var parsed = TriggerParser.Parse(trigger, now);
        return parsed.Trigger is { } valid
            ? (new DryRunRequest(valid), [])
            : (null, parsed.Errors
                .GroupBy(e => (field, e.Path) switch { ("", "") => "trigger", ("", var path) => path, (_, "") => field, _ => $"{field}.{e.Path}" })
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal));
    }

    /// <summary>A trigger from a contact's timeline.</summary>
    public static (DryRunRequest? Request, Dictionary<string, string[]> Errors) Timeline(string? contactId, string? triggerId)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Check(errors, "contactId", contactId);
        Check(errors, "triggerId", triggerId);
        return errors.Count > 0 ? (null, errors) : (new DryRunRequest(null, contactId!.Trim(), triggerId!.Trim()), errors);
    }

    private static void Check(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["required: a string of 1–128 characters"];
        }
        else if (value.Trim().Length > TriggerParser.MaxIdLength)
        {
            errors[field] = [$"at most {TriggerParser.MaxIdLength} characters"];
        }
    }

    private static string? StringOrNull(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (DryRunRequest? Request, Dictionary<string, string[]> Errors) Refused(string message) =>
        (null, new(StringComparer.Ordinal) { ["body"] = [message] });
}
