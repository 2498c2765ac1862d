using Relay.Crm;

namespace Relay.Imports;

/// <summary>
/// The rules of an import as plain functions: how e-mails are compared, which member of several with one
/// address goes on the list, which bucket remembers an address, how long to wait after a failure.
/// </summary>
public static class ImportDecisions
{
    /// <summary>How many grains remember a job's addresses; each holds about 1/<c>Buckets</c> of them.</summary>
    public const int Buckets = 8;

    /// <summary>Pages asked for at once; stored in order, the cursor moving after all of them.</summary>
    public const int PagesPerTick = 2;

    /// <summary>After this many failures in a row on one page, the job fails (it can be started again).</summary>
    public const int MaxFailedAttempts = 8;

    /// <summary>
    /// The e-mail as duplicates are judged: trimmed and lower-cased (invariant). <c>Ann@Example.com</c> and
    /// <c>ann@example.com </c> are one address; null when there is none.
    /// </summary>
    public static string? Normalize(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    /// <summary>The bucket that remembers an address: a stable hash, the same on every silo and after restarts.</summary>
    public static int BucketOf(string normalizedEmail)
    {
        // FNV-1a: string.GetHashCode is randomized per process, which would scatter a job's addresses after a restart.
        var hash = 2166136261u;
        foreach (var c in normalizedEmail)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Buckets);
    }

    /// <summary>
    /// The rows of one page, given who claimed each address first (<paramref name="winners"/>: normalized e-mail →
    /// person id). The rule: the first member in SuperOffice's order with an address is on the list; a later member
    /// with the same address is a duplicate of it; members without an address are listed apart.
    /// </summary>
    public static ImmutableArray<ImportRow> Classify(IReadOnlyList<CrmMember> members, IReadOnlyDictionary<string, int> winners) =>
    [
        .. members.Select(m => Normalize(m.Email) is not { } email
            ? ImportRow.From(m, ImportRowKind.WithoutEmail)
            : winners.TryGetValue(email, out var winner) && winner != m.PersonId
                ? ImportRow.From(m, ImportRowKind.Duplicate) with { DuplicateOf = winner }
                : ImportRow.From(m, ImportRowKind.Addressable)),
    ];

    /// <summary>How long to wait before reading a page again after the <paramref name="attempts"/>th failure.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>A page size within NetServer's limits.</summary>
    public static int ClampPageSize(int pageSize) => Math.Clamp(pageSize, 1, ImportRequest.MaxPageSize);
}
