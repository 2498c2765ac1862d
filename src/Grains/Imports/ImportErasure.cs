using Relay.Contacts;

namespace Relay.Imports;

/// <summary>
/// Removes an erased contact from every import result of its tenant: the rows with its e-mail or person, and the claims
/// that remember its address. A job's counts stay as read: they count members, not names.
/// </summary>
public static class ImportErasure
{
    /// <summary>How many of a tenant's jobs an erasure looks through, newest first.</summary>
    public const int MaxJobs = 10_000;

    /// <summary>Cleans every job's pages and buckets; each change is idempotent, so a repeat after a failure is safe.</summary>
    public static async Task EraseAsync(IGrainFactory grains, string tenantId, ErasureWork erased)
    {
        if (erased.EmailHashes.IsEmpty && erased.PersonIds.IsEmpty)
        {
            return;
        }

        foreach (var jobId in await grains.GetGrain<IImportIndexGrain>(tenantId).ListAsync(MaxJobs))
        {
            var progress = await grains.GetGrain<IImportJobGrain>(ImportKeys.Job(tenantId, jobId)).GetProgressAsync();

            // A running job may store one page past its cursor before it moves: that page is cleaned too.
            var pages = (progress?.PagesDone ?? 0) + (progress?.Status == ImportStatus.Running ? ImportDecisions.PagesPerTick : 0);
            await Task.WhenAll(Enumerable.Range(0, pages).Select(p => grains.GetGrain<IImportPageGrain>(ImportKeys.Page(tenantId, jobId, p)).EraseAsync(erased)));
            await Task.WhenAll(Enumerable.Range(0, ImportDecisions.Buckets).Select(b => grains.GetGrain<IImportEmailBucketGrain>(ImportKeys.Bucket(tenantId, jobId, b)).EraseAsync(erased)));
        }
    }
}
