using Relay.Crm;

namespace Relay.Imports;

/// <summary>Where an import reads its members: a SuperOffice selection (static or dynamic) or a project.</summary>
public enum ImportSourceKind
{
    /// <summary>A selection; static and dynamic ones are read alike, through the <c>SelectionMember</c> archive provider.</summary>
    Selection = 0,

    /// <summary>A project, through the <c>ProjectMember</c> archive provider.</summary>
    Project = 1,
}

/// <summary>What to import and how big each archive page is.</summary>
[GenerateSerializer, Immutable, Alias("relay.import-request")]
public sealed record ImportRequest(
    [property: Id(0)] ImportSourceKind Source,
    [property: Id(1)] int SourceId,
    [property: Id(2)] int PageSize = ImportRequest.DefaultPageSize,
    [property: Id(3)] string? RequestedBy = null)
{
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultPageSize = 500;

    /// <summary>NetServer's archive pages hold at most this many rows.</summary>
    public const int MaxPageSize = 1000;
}

/// <summary>Where an import job stands.</summary>
public enum ImportStatus
{
    /// <summary>Reading pages.</summary>
    Running = 0,

    /// <summary>Every page was read.</summary>
    Completed = 1,

    /// <summary>Someone stopped it; the pages read so far stay readable.</summary>
    Cancelled = 2,

    /// <summary>SuperOffice refused it (e.g. no such selection) or kept failing.</summary>
    Failed = 3,
}

/// <summary>An import job's progress: small, so it is cheap to write after every page.</summary>
[GenerateSerializer, Immutable, Alias("relay.import-progress")]
public sealed record ImportProgress(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string JobId,
    [property: Id(2)] ImportRequest Request,
    [property: Id(3)] ImportStatus Status,
    [property: Id(4)] int PagesDone,
    [property: Id(5)] int? Total,
    [property: Id(6)] int Read,
    [property: Id(7)] int Addressable,
    [property: Id(8)] int WithoutEmail,
    [property: Id(9)] int Duplicates,
    [property: Id(10)] DateTimeOffset StartedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt,
    [property: Id(12)] string? Error,
    [property: Id(13)] int FailedAttempts)
{
    /// <summary>Share of the members read, 0–100; 100 once completed.</summary>
    public int Percent => Status == ImportStatus.Completed ? 100 : Total is > 0 ? Math.Min(99, (int)(Read * 100L / Total.Value)) : 0;
}

/// <summary>What an imported member is in the address list.</summary>
public enum ImportRowKind
{
    /// <summary>Has an e-mail address that no earlier member had: it is on the address list.</summary>
    Addressable = 0,

    /// <summary>Has no e-mail address: listed separately, not addressable.</summary>
    WithoutEmail = 1,

    /// <summary>An earlier member (<see cref="ImportRow.DuplicateOf"/>) has the same e-mail address.</summary>
    Duplicate = 2,
}

/// <summary>One imported person with the mapped fields.</summary>
[GenerateSerializer, Immutable, Alias("relay.import-row")]
public sealed record ImportRow(
    [property: Id(0)] ImportRowKind Kind,
    [property: Id(1)] int PersonId,
    [property: Id(2)] string? FirstName,
    [property: Id(3)] string? LastName,
    [property: Id(4)] string? Email,
    [property: Id(5)] string? Phone,
    [property: Id(6)] string? Mobile,
    [property: Id(7)] string? Title,
    [property: Id(8)] int? CompanyId,
    [property: Id(9)] string? CompanyName,
    [property: Id(10)] string? Country,
    [property: Id(11)] string? Category,
    [property: Id(12)] string? Industry,
    [property: Id(13)] int? DuplicateOf = null)
{
    /// <summary>The row of a member, before duplicates are known.</summary>
    public static ImportRow From(CrmMember m, ImportRowKind kind) =>
        new(kind, m.PersonId, m.FirstName, m.LastName, m.Email?.Trim(), m.Phone, m.Mobile, m.Title, m.CompanyId, m.CompanyName, m.Country, m.Category, m.Industry);
}

/// <summary>One page of an import's result: the rows of one archive page, in SuperOffice's order.</summary>
[GenerateSerializer, Immutable, Alias("relay.import-page")]
public sealed record ImportPage(
    [property: Id(0)] int Page,
    [property: Id(1)] ImmutableArray<ImportRow> Rows);
