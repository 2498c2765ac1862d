using Relay.Imports;

namespace Relay.Web.Imports;

/// <summary>An import job as the API shows it: what was asked for, how far it got, what it found.</summary>
public sealed record ImportJobView(
    string JobId, string TenantId, ImportSourceKind Source, int SourceId, int PageSize, string? RequestedBy, ImportStatus Status,
    int PagesDone, int Done, int? Total, int Percent, int Addressable, int WithoutEmail, int Duplicates,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    /// <summary>The view of a job's progress.</summary>
    public static ImportJobView From(ImportProgress p) =>
        new(p.JobId, p.TenantId, p.Request.Source, p.Request.SourceId, p.Request.PageSize, p.Request.RequestedBy, p.Status,
            p.PagesDone, p.Read, p.Total, p.Percent, p.Addressable, p.WithoutEmail, p.Duplicates, p.StartedAt, p.FinishedAt, p.Error);
}

/// <summary>One stored page of an import's result, its rows split by what they are in the address list.</summary>
public sealed record ImportResultsPage(
    int Page, int Pages, ImportStatus Status, IEnumerable<ImportRow> Persons, IEnumerable<ImportRow> WithoutEmail, IEnumerable<ImportRow> Duplicates)
{
    /// <summary>The view of page <paramref name="page"/> of a job, from its stored rows.</summary>
    public static ImportResultsPage From(int page, ImportProgress progress, IReadOnlyList<ImportRow> rows) =>
        new(page, progress.PagesDone, progress.Status,
            rows.Where(r => r.Kind == ImportRowKind.Addressable),
            rows.Where(r => r.Kind == ImportRowKind.WithoutEmail),
            rows.Where(r => r.Kind == ImportRowKind.Duplicate));
}
