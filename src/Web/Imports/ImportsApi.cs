using System.Text;
using Relay.Imports;
using Relay.Tenants;
using Relay.Web.Admin;

namespace Relay.Web.Imports;

/// <summary>What to import: <c>{"source":"selection","id":123,"pageSize":500}</c>.</summary>
public sealed record StartImportRequest(ImportSourceKind? Source, int? Id, int? PageSize, string? RequestedBy);

/// <summary>
/// Import jobs (the <c>admin</c> scope): start, list, status, cancel, results as JSON pages
/// and as CSV, under <c>/api/tenants/{tenant}/imports</c>.
/// </summary>
public static class ImportsApi
{
    /// <summary>The most jobs one list answers.</summary>
    public const int MaxJobs = 500;

    /// <summary>Which rows a CSV holds.</summary>
    public enum CsvList
    {
        /// <summary>The address list: one person per e-mail address.</summary>
        Addressable = 0,

        /// <summary>Persons without an e-mail address.</summary>
        WithoutEmail = 1,

        /// <summary>Persons whose address an earlier member had (column <c>duplicateOf</c>).</summary>
        Duplicates = 2,
    }

    /// <summary>Maps the import endpoints behind the <c>admin</c> scope.</summary>
    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/tenants/{tenant}/imports").RequireAuthorization(RelayPolicies.Admin);
        imports.MapPost("/", StartAsync);
        imports.MapGet("/", ListAsync);
        imports.MapGet("/{jobId}", GetAsync);
        imports.MapPost("/{jobId}/cancel", CancelAsync);
        imports.MapGet("/{jobId}/results", GetResultsAsync);
        imports.MapGet("/{jobId}/results.csv", GetCsvAsync);
        return app;
    }

    /// <summary>The progress of the tenant's newest jobs, newest first.</summary>
    public static async Task<IReadOnlyList<ImportProgress>> ListJobsAsync(IGrainFactory grains, string tenant, int take)
    {
        var ids = await grains.GetGrain<IImportIndexGrain>(tenant).ListAsync(take);
        var all = await Task.WhenAll(ids.Select(id => grains.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, id)).GetProgressAsync()));
        return [.. all.OfType<ImportProgress>()];
    }

    private static async Task<Results<Accepted<ImportJobView>, ProblemHttpResult>> StartAsync(string tenant, StartImportRequest request, IGrainFactory grains, TimeProvider time)
    {
        if (await AdminApi.ConfigAsync(grains, tenant) is null)
        {
            return Problems.UnknownTenant(tenant);
        }

        if (request.Source is not { } source || !Enum.IsDefined(source) || request.Id is not > 0)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "What to import?", "Send {\"source\":\"selection\" or \"project\",\"id\":<SuperOffice id>} and optionally \"pageSize\" (1–1000).");
        }

        if (request.PageSize is < 1 or > ImportRequest.MaxPageSize)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Page size out of range", $"pageSize must be 1–{ImportRequest.MaxPageSize} (NetServer's archive limit).");
        }

        var jobId = "imp-" + Guid.NewGuid().ToString("N")[..12];
        await grains.GetGrain<IImportIndexGrain>(tenant).AddAsync(jobId, time.GetUtcNow());
        var progress = await grains.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, jobId))
            .StartAsync(new ImportRequest(source, request.Id.Value, request.PageSize ?? ImportRequest.DefaultPageSize, request.RequestedBy));
        return TypedResults.Accepted($"/api/tenants/{tenant}/imports/{jobId}", ImportJobView.From(progress));
    }

    private static Task<Results<Ok<ImportJobView[]>, ProblemHttpResult>> ListAsync(string tenant, IGrainFactory grains, int take = 50) =>
        AdminApi.ForTenantAsync(grains, tenant, async () => (await ListJobsAsync(grains, tenant, Paging.Take(take, MaxJobs))).Select(ImportJobView.From).ToArray());

    private static async Task<Results<Ok<ImportJobView>, ProblemHttpResult>> GetAsync(string tenant, string jobId, IGrainFactory grains) =>
        await ProgressAsync(grains, tenant, jobId) is { } progress ? TypedResults.Ok(ImportJobView.From(progress)) : UnknownJob(tenant, jobId);

    private static async Task<Results<Ok<ImportJobView>, ProblemHttpResult>> CancelAsync(string tenant, string jobId, IGrainFactory grains)
    {
        if (await ProgressAsync(grains, tenant, jobId) is null)
        {
            return UnknownJob(tenant, jobId);
        }

        var progress = await grains.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, jobId)).CancelAsync();
        return TypedResults.Ok(ImportJobView.From(progress!));
    }

    private static async Task<Results<Ok<ImportResultsPage>, ProblemHttpResult>> GetResultsAsync(string tenant, string jobId, IGrainFactory grains, int page = 0)
    {
        if (await ProgressAsync(grains, tenant, jobId) is not { } progress)
        {
            return UnknownJob(tenant, jobId);
        }

        page = Paging.Skip(page);
        if (page >= progress.PagesDone)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "No such page", $"The job has {progress.PagesDone} page(s) so far, numbered from 0.");
        }

        var stored = await grains.GetGrain<IImportPageGrain>(ImportKeys.Page(tenant, jobId, page)).GetAsync();
        return TypedResults.Ok(ImportResultsPage.From(page, progress, stored?.Rows ?? []));
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> GetCsvAsync(string tenant, string jobId, IGrainFactory grains, CancellationToken cancellationToken, CsvList list = CsvList.Addressable)
    {
        if (await ProgressAsync(grains, tenant, jobId) is not { } progress)
        {
            return UnknownJob(tenant, jobId);
        }

        var kind = list switch
        {
            CsvList.WithoutEmail => ImportRowKind.WithoutEmail,
            CsvList.Duplicates => ImportRowKind.Duplicate,
            _ => ImportRowKind.Addressable,
        };
        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
                await writer.WriteAsync(ImportCsv.Header);

                // Pages are read one at a time, so a 100,000-row list never sits in memory whole.
                for (var page = 0; page < progress.PagesDone; page++)
                {
                    var stored = await grains.GetGrain<IImportPageGrain>(ImportKeys.Page(tenant, jobId, page)).GetAsync();
                    foreach (var row in (stored?.Rows ?? []).Where(r => r.Kind == kind))
                    {
                        await writer.WriteAsync(ImportCsv.Row(row));
                    }
                }

                await writer.FlushAsync(cancellationToken);
            },
            "text/csv; charset=utf-8",
            $"{jobId}-{list.ToString().ToLowerInvariant()}.csv");
    }

    private static async Task<ImportProgress?> ProgressAsync(IGrainFactory grains, string tenant, string jobId) =>
        TenantRules.IsValidTenantId(tenant) && jobId.Length is > 0 and <= 64
            ? await grains.GetGrain<IImportJobGrain>(ImportKeys.Job(tenant, jobId)).GetProgressAsync()
            : null;

    private static ProblemHttpResult UnknownJob(string tenant, string jobId) =>
        Problems.Create(StatusCodes.Status404NotFound, "Unknown import", $"Tenant '{tenant}' has no import '{jobId}'.");
}
