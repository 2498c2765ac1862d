using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Relay.Crm;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Imports;

/// <summary>An import job's state: the request, the cursor (next page) and the counts. Never the rows.</summary>
[GenerateSerializer, Alias("relay.import-job-state")]
public sealed class ImportJobState
{
    /// <summary>The progress as last written; null before the job was started.</summary>
    [Id(0)]
    public ImportProgress? Progress { get; set; }
}

/// <inheritdoc cref="IImportJobGrain"/>
/// <remarks>
/// A timer reads one page per tick, so a cancel or a status read never waits behind more than one page.
/// Each page is stored in its own grain before the cursor moves; after a crash the job re-reads the page
/// the cursor points at and stores it again, which replaces rather than adds, so nothing is doubled or
/// skipped. Whatever activates the grain again — the reminder, a status read, the admin page — resumes it.
/// CRM calls are made at <see cref="CrmPriority.Bulk"/>.
/// </remarks>
public sealed partial class ImportJobGrain(
    [PersistentState("import-job", RelayStorage.Name)] IPersistentState<ImportJobState> state,
    ICrmCatalog catalog,
    RelayClock time,
    ILogger<ImportJobGrain> logger) : Grain, IImportJobGrain, IRemindable
{
    private const string KeepAliveReminder = "import-keepalive";
    private IGrainTimer? _timer;

    private ImportProgress? P => state.State.Progress;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (P is { Status: ImportStatus.Running })
        {
            Schedule(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    async Task<ImportProgress> IImportJobGrain.StartAsync(ImportRequest request)
    {
        if (P is { } existing)
        {
            return existing;
        }

        var (tenantId, jobId) = ImportKeys.ParseJob(this.GetPrimaryKeyString());
        request = request with { PageSize = ImportDecisions.ClampPageSize(request.PageSize) };
        state.State.Progress = new ImportProgress(tenantId, jobId, request, ImportStatus.Running, 0, null, 0, 0, 0, 0, time.GetUtcNow(), null, null, 0);
        await state.WriteStateAsync();

        // The reminder outlives the activation: if the silo dies, it wakes the job elsewhere (with durable reminders).
        await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        Schedule(TimeSpan.Zero);
        return state.State.Progress;
    }

    Task<ImportProgress?> IImportJobGrain.GetProgressAsync() => Task.FromResult(P);

    async Task<ImportProgress?> IImportJobGrain.CancelAsync()
    {
        if (P is { Status: ImportStatus.Running } running)
        {
            await FinishAsync(running with { Status = ImportStatus.Cancelled });
        }

        return P;
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (P is not { Status: ImportStatus.Running })
        {
            await UnregisterKeepAliveAsync();
        }

        // Otherwise activation already scheduled the pump; a tick only needs to have woken the grain.
    }

    private void Schedule(TimeSpan due)
    {
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(ReadNextPageAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// One tick of the pump. It runs from a one-shot timer, so a failure outside the CRM's error model (the tenant
    /// or a bucket grain unreachable while a silo dies, a state write refused) schedules the next tick instead of
    /// escaping: the keep-alive reminder only wakes a grain that is not active, it does not restart a stopped pump.
    /// </summary>
    private async Task ReadNextPageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadNextPageCoreAsync(cancellationToken);
        }
        catch (InconsistentStateException ex)
        {
            // Another activation wrote this job since it was read; step aside so the next reads it afresh.
            LogPumpFailed(logger, ex, this.GetPrimaryKeyString());
            DeactivateOnIdle();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPumpFailed(logger, ex, this.GetPrimaryKeyString());
            Schedule(ImportDecisions.Backoff(2));
        }
    }

    private async Task ReadNextPageCoreAsync(CancellationToken cancellationToken)
    {
        if (P is not { Status: ImportStatus.Running } progress)
        {
            return;
        }

        var config = await GrainFactory.GetGrain<ITenantGrain>(progress.TenantId).GetConfigAsync();
        if (config is null)
        {
            await FinishAsync(progress with { Status = ImportStatus.Failed, Error = "The tenant no longer exists." });
            return;
        }

        // Two pages are asked for at once: NetServer prepares one while Relay reads the other. They are still
        // classified and stored in order, and the cursor moves only after both are stored.
        CrmPage<CrmMember>[] pages;
        try
        {
            using (CrmCallContext.Enter(CrmPriority.Bulk))
            {
                var request = progress.Request;
                pages = await Task.WhenAll(Enumerable.Range(progress.PagesDone, ImportDecisions.PagesPerTick).Select(n => request.Source == ImportSourceKind.Project
                    ? catalog.GetProjectMembersAsync(config.Connection, request.SourceId, n, request.PageSize, cancellationToken)
                    : catalog.GetSelectionMembersAsync(config.Connection, request.SourceId, n, request.PageSize, cancellationToken)));
            }
        }
        catch (CrmException ex) when (ex.Kind == CrmErrorKind.Permanent)
        {
            await FinishAsync(progress with { Status = ImportStatus.Failed, Error = $"SuperOffice refused page {progress.PagesDone}: {ex.Message}" });
            return;
        }
        catch (CrmException ex)
        {
            var attempts = progress.FailedAttempts + 1;
            LogPageFailed(logger, ex, this.GetPrimaryKeyString(), progress.PagesDone, attempts);
            if (attempts >= ImportDecisions.MaxFailedAttempts)
            {
                await FinishAsync(progress with { Status = ImportStatus.Failed, FailedAttempts = attempts, Error = $"Page {progress.PagesDone} failed {attempts} times: {ex.Message}" });
                return;
            }

            state.State.Progress = progress with { FailedAttempts = attempts, Error = ex.Message };
            await state.WriteStateAsync(CancellationToken.None);
            Schedule(ImportDecisions.Backoff(attempts));
            return;
        }

        var next = progress with { FailedAttempts = 0, Error = null };
        foreach (var page in pages)
        {
            var rows = await ClassifyAsync(progress, page.Items);
            await GrainFactory.GetGrain<IImportPageGrain>(ImportKeys.Page(progress.TenantId, progress.JobId, next.PagesDone)).PutAsync(new ImportPage(next.PagesDone, rows));
            next = next with
            {
                PagesDone = next.PagesDone + 1,
                Total = page.Total ?? next.Total,
                Read = next.Read + rows.Length,
                Addressable = next.Addressable + rows.Count(r => r.Kind == ImportRowKind.Addressable),
                WithoutEmail = next.WithoutEmail + rows.Count(r => r.Kind == ImportRowKind.WithoutEmail),
                Duplicates = next.Duplicates + rows.Count(r => r.Kind == ImportRowKind.Duplicate),
            };
            if (!page.HasMore || page.Items.Count == 0)
            {
                await FinishAsync(next with { Status = ImportStatus.Completed, Total = next.Read });
                return;
            }
        }

        state.State.Progress = next;
        await state.WriteStateAsync(CancellationToken.None);
        Schedule(TimeSpan.Zero);
    }

    private async Task<ImmutableArray<ImportRow>> ClassifyAsync(ImportProgress progress, IReadOnlyList<CrmMember> members)
    {
        var claims = members
            .Select(m => (Email: ImportDecisions.Normalize(m.Email), m.PersonId))
            .Where(c => c.Email is not null)
            .GroupBy(c => ImportDecisions.BucketOf(c.Email!));
        var answers = await Task.WhenAll(claims.Select(bucket =>
            GrainFactory.GetGrain<IImportEmailBucketGrain>(ImportKeys.Bucket(progress.TenantId, progress.JobId, bucket.Key))
                .ClaimAsync([.. bucket.Select(c => new EmailClaim(c.Email!, c.PersonId))])));
        var winners = answers.SelectMany(a => a).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        return ImportDecisions.Classify(members, winners);
    }

    private async Task FinishAsync(ImportProgress finished)
    {
        state.State.Progress = finished with { FinishedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await UnregisterKeepAliveAsync();
        LogFinished(logger, this.GetPrimaryKeyString(), finished.Status, finished.Read, finished.Error);
    }

    private async Task UnregisterKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {Job}: page {Page} failed (attempt {Attempts}); trying again")]
    private static partial void LogPageFailed(ILogger logger, Exception ex, string job, int page, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {Job}: reading the next page failed outside SuperOffice; trying again")]
    private static partial void LogPumpFailed(ILogger logger, Exception ex, string job);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {Job} {Status}: {Read} members read. {Error}")]
    private static partial void LogFinished(ILogger logger, string job, ImportStatus status, int read, string? error);
}
