using System.Text.Json;
using System.Text.Unicode;
using Relay.Tenants;
using Relay.Triggers;
using Relay.Web.Recovery;

namespace Relay.Web.Ingest;

/// <summary><c>POST /api/tenants/{tenant}/triggers</c>: where eMarketeer's triggers enter Relay.</summary>
public static class IngestApi
{
    /// <summary>The most triggers in one batch.</summary>
    public const int MaxBatchItems = 1000;

    /// <summary>The largest body accepted.</summary>
    public const int MaxBatchBytes = 1024 * 1024;

    /// <summary>Maps the ingest endpoint.</summary>
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tenants/{tenant}/triggers", PostTriggersAsync).WithName("PostTriggers").RequireAuthorization(RelayPolicies.Ingest);
        return app;
    }

    /// <summary>
    /// Accepts a JSON array of triggers. Every item is validated first; if any is invalid the whole
    /// batch is refused with a reason per item and nothing is queued, so a producer never has to guess.
    /// While the cluster recovers from a lost silo the calls are retried within the request's budget; once it
    /// is spent the answer is 503 with <c>Retry-After</c> and the ids queued so far, never 500.
    /// </summary>
    private static async Task<Results<Accepted<IngestAccepted>, ValidationProblem, ProblemHttpResult>> PostTriggersAsync(string tenant, HttpRequest request, IGrainFactory grains, TriggerIngest ingest, ClusterCalls calls, TimeProvider time)
    {
        var budget = calls.BudgetOf(request.HttpContext);
        try
        {
            if (!TenantRules.IsValidTenantId(tenant) || await calls.RunAsync(budget, grains.GetGrain<ITenantGrain>(tenant).GetConfigAsync) is null)
            {
                return Problems.UnknownTenant(tenant);
            }
        }
        catch (ClusterRecoveringException)
        {
            return NotQueued(request, calls, [], 0, null);
        }

        if (request.HasJsonContentType() is false)
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Triggers must be sent as JSON", "Send the batch with Content-Type: application/json.");
        }

        if (request.ContentLength > MaxBatchBytes)
        {
            return TooLarge($"The body is {request.ContentLength} bytes.");
        }

        var body = await ReadLimitedAsync(request.Body, MaxBatchBytes, request.HttpContext.RequestAborted);
        if (body is null)
        {
            return TooLarge("The body is larger than that.");
        }

        // JsonDocument checks UTF-8 only when a string is read, which would fail after validation began.
        if (!Utf8.IsValid(body))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "The body is not valid UTF-8", "Send the batch as UTF-8 encoded JSON.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "The body is not valid JSON", ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return Problems.Create(StatusCodes.Status400BadRequest, "The body must be a JSON array of triggers", $"Got {TriggerParser.Describe(root.ValueKind)}; wrap a single trigger in [ ].");
            }

            var count = root.GetArrayLength();
            if (count == 0)
            {
                return Problems.Create(StatusCodes.Status400BadRequest, "The batch is empty", "Send at least one trigger.");
            }

            if (count > MaxBatchItems)
            {
                return Problems.Create(StatusCodes.Status413PayloadTooLarge, "The batch has too many triggers", $"{count} triggers; at most {MaxBatchItems} per request.");
            }

            var triggers = new List<Trigger>(count);
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var firstById = new Dictionary<string, int>(StringComparer.Ordinal);
            var rejected = 0;
            var now = time.GetUtcNow();
            foreach (var (index, item) in root.EnumerateArray().Index())
            {
                var result = TriggerParser.Parse(item, now);
                if (result.Trigger is { } trigger && firstById.TryAdd(trigger.Id, index))
                {
                    triggers.Add(trigger);
                    continue;
                }

                rejected++;
                // A repeated id would be dropped silently as a duplicate, so the producer learns of it instead.
                IEnumerable<TriggerError> reasons = result.Trigger is { } repeated
                    ? [new("id", $"duplicates [{firstById[repeated.Id]}].id")]
                    : result.Errors;
                foreach (var field in reasons.GroupBy(e => e.Path.Length == 0 ? $"[{index}]" : $"[{index}].{e.Path}"))
                {
                    errors[field.Key] = [.. field.Select(e => e.Message)];
                }
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(
                    errors,
                    detail: $"{rejected} of {count} triggers are invalid; nothing was queued. Fix them and send the batch again.",
                    title: "The batch was rejected");
            }

            var (accepted, failure) = await ingest.SendAsync(tenant, triggers, budget);
            return failure is null
                ? TypedResults.Accepted((string?)null, new IngestAccepted(tenant, accepted.Count, accepted))
                : NotQueued(request, calls, accepted, count, failure);
        }
    }

    /// <summary>
    /// The 503 of a batch not wholly queued, with <c>Retry-After</c> and the ids that were: the producer sends the
    /// batch again, and the queued ones are recognised by their ids and processed once.
    /// </summary>
    private static ProblemHttpResult NotQueued(HttpRequest request, ClusterCalls calls, IReadOnlyList<string> accepted, int count, Exception? failure)
    {
        ClusterRecovery.SetRetryAfter(request.HttpContext.Response, calls.Settings.RetryAfter);
        var reason = failure is null || ClusterRecovery.IsRecovering(failure)
            ? "Relay's cluster is recovering from a lost server"
            : failure.Message;
        var queued = accepted.Count == 0 ? "None of the triggers was queued" : $"{accepted.Count} of {count} were queued before";
        return Problems.Create(
            StatusCodes.Status503ServiceUnavailable,
            "Not every trigger could be queued",
            $"{queued}: {reason}. Send the batch again after the Retry-After seconds; queued triggers are recognised and processed once.",
            new Dictionary<string, object?> { ["accepted"] = accepted });
    }

    private static ProblemHttpResult TooLarge(string detail) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "The batch is too large", $"{detail} At most {MaxBatchBytes} bytes per request.");

    /// <summary>The body, or null when it is longer than <paramref name="limit"/>.</summary>
    internal static async Task<byte[]?> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

/// <summary>The answer to an accepted batch: the trigger ids now queued, in batch order.</summary>
public sealed record IngestAccepted(string Tenant, int Count, IReadOnlyList<string> Accepted);
