namespace Relay.Imports;

/// <summary>
/// One import job: reads a selection's or project's members page by page through the Archive, sorts out
/// addressable persons, persons without e-mail and duplicates, and stores each page apart. Key:
/// <c>{tenant}:{jobId}</c>. Its own state is a cursor and counts, written after each page.
/// </summary>
[Alias("relay.IImportJobGrain")]
public interface IImportJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job; starting it again returns its progress and changes nothing.</summary>
    [Alias("Start")]
    Task<ImportProgress> StartAsync(ImportRequest request);

    /// <summary>The progress, or null when no such job was started. Reading it wakes a job that was interrupted.</summary>
    [AlwaysInterleave, Alias("GetProgress")]
    Task<ImportProgress?> GetProgressAsync();

    /// <summary>Stops a running job after the page in hand; the pages read stay readable.</summary>
    [Alias("Cancel")]
    Task<ImportProgress?> CancelAsync();
}

/// <summary>One page of one import's result. Key: <c>{tenant}:{jobId}:{page}</c>.</summary>
[Alias("relay.IImportPageGrain")]
public interface IImportPageGrain : IGrainWithStringKey
{
    /// <summary>Stores the page; storing it again (a resumed job re-reads its last page) replaces it.</summary>
    [Alias("Put")]
    Task PutAsync(ImportPage page);

    /// <summary>The page, or null before it was read.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<ImportPage?> GetAsync();

    /// <summary>Removes the rows that name an erased contact (<see cref="Contacts.ContactErasure.Names"/>); returns how many.</summary>
    [Alias("Erase")]
    Task<int> EraseAsync(Contacts.ErasureWork erased);
}

/// <summary>
/// Remembers which person first had each e-mail address of one job, for one bucket of addresses. Key:
/// <c>{tenant}:{jobId}:{bucket}</c>. Claims are idempotent, so a page read twice is classified the same way.
/// </summary>
[Alias("relay.IImportEmailBucketGrain")]
public interface IImportEmailBucketGrain : IGrainWithStringKey
{
    /// <summary>Claims each address for its person unless an earlier person has it; returns the person each address belongs to.</summary>
    [Alias("Claim")]
    Task<Dictionary<string, int>> ClaimAsync(List<EmailClaim> claims);

    /// <summary>Forgets the claims of an erased contact's addresses or persons (<see cref="Contacts.ContactErasure.Names"/>).</summary>
    [Alias("Erase")]
    Task EraseAsync(Contacts.ErasureWork erased);
}

/// <summary>An address claimed for a person.</summary>
[GenerateSerializer, Immutable, Alias("relay.email-claim")]
public sealed record EmailClaim([property: Id(0)] string Email, [property: Id(1)] int PersonId);

/// <summary>A tenant's import jobs, newest first. Key: the tenant id.</summary>
[Alias("relay.IImportIndexGrain")]
public interface IImportIndexGrain : IGrainWithStringKey
{
    /// <summary>Records a job id.</summary>
    [Alias("Add")]
    Task AddAsync(string jobId, DateTimeOffset at);

    /// <summary>The newest job ids.</summary>
    [AlwaysInterleave, Alias("List")]
    Task<ImmutableArray<string>> ListAsync(int take);
}

/// <summary>Grain keys of an import's grains.</summary>
public static class ImportKeys
{
    /// <summary>The job grain key.</summary>
    public static string Job(string tenantId, string jobId) => $"{tenantId}:{jobId}";

    /// <summary>A result page grain key.</summary>
    public static string Page(string tenantId, string jobId, int page) => $"{tenantId}:{jobId}:{page}";

    /// <summary>An e-mail bucket grain key.</summary>
    public static string Bucket(string tenantId, string jobId, int bucket) => $"{tenantId}:{jobId}:e{bucket}";

    /// <summary>Splits a job grain key into tenant and job id.</summary>
    public static (string TenantId, string JobId) ParseJob(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return (key[..colon], key[(colon + 1)..]);
    }
}
