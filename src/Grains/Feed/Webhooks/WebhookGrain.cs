using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relay.Access;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Feed.Webhooks;

/// <inheritdoc cref="IWebhookGrain"/>
/// <remarks>
/// Deliveries run from one non-interleaved timer, one event at a time, and the cursor is written after each delivered event:
/// a crash between a receiver's 2xx and that write sends the event once more (at least once; receivers drop repeated ids).
/// While the tenant has an enabled webhook a reminder (every minute) brings the grain back, so a wake lost with a silo, or a
/// retry timer lost with its activation, is picked up within a minute.
/// </remarks>
public sealed partial class WebhookGrain(
    [PersistentState("webhook", RelayStorage.Name)] IPersistentState<WebhookState> state,
    WebhookSender sender,
    RelayClock time,
    IOptions<WebhookOptions> options,
    ILogger<WebhookGrain> logger) : Grain, IWebhookGrain, IRemindable
{
    private const string Reminder = "webhook";
    private const int ReadBatch = 100;
    private const int MaxReplays = 100;
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private IGrainTimer? _timer;
    private bool? _hasReminder;

    private string Tenant => this.GetPrimaryKeyString();

    private WebhookState S => state.State;

    private IEventFeedGrain Feed => GrainFactory.GetGrain<IEventFeedGrain>(Tenant);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Schedule(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    Task IWebhookGrain.WakeAsync()
    {
        Schedule(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        Schedule(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    async Task<WebhookStatus> IWebhookGrain.GetStatusAsync()
    {
        var s = S;
        var status = new WebhookStatus(null, false, s.Cursor, 0, s.Attempts, s.NextAttemptAt, s.FailingSince, s.Suspended, [.. s.Replays], [.. Enumerable.Reverse(s.Log)]);
        var hook = (await GrainFactory.GetGrain<ITenantGrain>(Tenant).GetConfigAsync())?.Settings.Webhook;
        return status with { Url = hook?.Url, Enabled = hook?.Enabled ?? false, FeedLast = (await Feed.GetHeadAsync()).Last };
    }

    async Task<string?> IWebhookGrain.ReplayFromAsync(long after)
    {
        var head = await Feed.GetHeadAsync();
        if (after < 0 || after > head.Last)
        {
            return $"after: must be between 0 and the feed's newest sequence, {head.Last}";
        }

        // A replay delivers again; it never skips. Moving the cursor past events not yet delivered would drop them.
        if (after > S.Cursor)
        {
            return $"after: at most {S.Cursor}, the last event delivered: a replay sends events again and cannot skip the ones still to be delivered";
        }

        S.Cursor = after;
        S.Suspended = false;
        ResetFailures();
        await state.WriteStateAsync(CancellationToken.None);
        Schedule(TimeSpan.Zero);
        return null;
    }

    async Task<string?> IWebhookGrain.ReplayEventAsync(long seq)
    {
        if (seq < 1 || (await Feed.ReadAsync(seq - 1, 1)).Entries.FirstOrDefault() is not { } entry || entry.Seq != seq)
        {
            return $"seq: the feed holds no event {seq}";
        }

        if (S.Replays.Count >= MaxReplays)
        {
            return $"seq: {MaxReplays} replays wait already; replay from a cursor instead";
        }

        S.Replays.Add(seq);
        await state.WriteStateAsync(CancellationToken.None);
        Schedule(TimeSpan.Zero);
        return null;
    }

    private void Schedule(TimeSpan due)
    {
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(RunAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Delivers what is due, in feed order, until the feed is delivered or an attempt fails; every way out schedules what is next.</summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var hook = (await GrainFactory.GetGrain<ITenantGrain>(Tenant).GetConfigAsync())?.Settings.Webhook;
            await KeepReminderAsync(hook is { Enabled: true });
            if (hook is not { Enabled: true } || S.Suspended)
            {
                return;
            }

            var now = time.GetUtcNow();
            if (S.NextAttemptAt is { } next && next > now)
            {
                Schedule(next - now);
                return;
            }

            // Due: the attempt below is the retry (a failure sets the next one).
            S.NextAttemptAt = null;

            var keys = await GrainFactory.GetGrain<ITenantAccessGrain>(Tenant).GetSigningKeysAsync();
            await DeliverReplaysAsync(hook.Url, keys, cancellationToken);
            while (S.Replays.Count == 0 && !S.Suspended && S.NextAttemptAt is null)
            {
                var page = await Feed.ReadAsync(S.Cursor, ReadBatch);
                if (page.Entries.IsEmpty)
                {
                    return;
                }

                foreach (var entry in page.Entries)
                {
                    if (!await DeliverAsync(hook.Url, entry, keys, replay: false, cancellationToken))
                    {
                        return;
                    }

                    S.Cursor = entry.Seq;
                    await state.WriteStateAsync(CancellationToken.None);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A grain call or a state write failed, not the receiver: the reminder or this timer tries again.
            LogRunFailed(logger, ex, Tenant);
            Schedule(options.Value.FirstRetry);
        }
    }

    private async Task DeliverReplaysAsync(string url, ImmutableArray<SigningKey> keys, CancellationToken cancellationToken)
    {
        while (S.Replays.Count > 0)
        {
            var seq = S.Replays[0];
            var entry = (await Feed.ReadAsync(seq - 1, 1)).Entries.FirstOrDefault(e => e.Seq == seq);
            if (entry is not null && !await DeliverAsync(url, entry, keys, replay: true, cancellationToken))
            {
                return;
            }

            S.Replays.RemoveAt(0);
            await state.WriteStateAsync(CancellationToken.None);
        }
    }

    /// <summary>Sends one event and logs it; on failure records the attempt and schedules the next (or suspends). The caller writes a success.</summary>
    private async Task<bool> DeliverAsync(string url, FeedEntry entry, ImmutableArray<SigningKey> keys, bool replay, CancellationToken cancellationToken)
    {
        var attempt = await sender.SendAsync(url, entry, keys, time.GetUtcNow(), cancellationToken);
        var now = time.GetUtcNow();
        var o = options.Value;
        if (attempt.Delivered)
        {
            WebhookDecisions.Log(S.Log, new WebhookDelivery(now, entry.Seq, entry.Event.Id, entry.Event.Type, WebhookDeliveryResult.Delivered, attempt.StatusCode, null, S.Attempts + 1, attempt.Milliseconds, replay));
            ResetFailures();
            return true;
        }

        S.Attempts++;
        S.FailingSince ??= now;
        var result = WebhookDecisions.GivesUp(S.FailingSince.Value, now, o) ? WebhookDeliveryResult.Suspended : WebhookDeliveryResult.Failed;
        WebhookDecisions.Log(S.Log, new WebhookDelivery(now, entry.Seq, entry.Event.Id, entry.Event.Type, result, attempt.StatusCode, attempt.Error, S.Attempts, attempt.Milliseconds, replay));
        if (result == WebhookDeliveryResult.Suspended)
        {
            S.Suspended = true;
            LogSuspended(logger, Tenant, entry.Seq, S.FailingSince.Value);
        }
        else
        {
            var delay = WebhookDecisions.Backoff(S.Attempts, o, Random.Shared.NextDouble());
            S.NextAttemptAt = now + delay;
            Schedule(delay);
            LogFailed(logger, Tenant, entry.Seq, attempt.Error, delay);
        }

        await state.WriteStateAsync(CancellationToken.None);
        return false;
    }

    private void ResetFailures()
    {
        S.Attempts = 0;
        S.FailingSince = null;
        S.NextAttemptAt = null;
    }

    private async Task KeepReminderAsync(bool needed)
    {
        if (_hasReminder == needed)
        {
            return;
        }

        if (needed)
        {
            await this.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);
        }
        else if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _hasReminder = needed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of tenant {Tenant}: delivering failed; trying again")]
    private static partial void LogRunFailed(ILogger logger, Exception ex, string tenant);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook of tenant {Tenant}: event {Seq} not delivered ({Error}); next attempt in {Delay}")]
    private static partial void LogFailed(ILogger logger, string tenant, long seq, string? error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook of tenant {Tenant}: event {Seq} failed since {Since}; delivery suspended until replayed")]
    private static partial void LogSuspended(ILogger logger, string tenant, long seq, DateTimeOffset since);
}

/// <summary>A tenant's webhook delivery, as stored.</summary>
[GenerateSerializer, Alias("relay.webhook-state")]
public sealed class WebhookState
{
    /// <summary>The newest sequence delivered in order.</summary>
    [Id(0)]
    public long Cursor { get; set; }

    /// <summary>Failed attempts at the event after <see cref="Cursor"/> (or the first replay).</summary>
    [Id(1)]
    public int Attempts { get; set; }

    [Id(2)]
    public DateTimeOffset? FailingSince { get; set; }

    [Id(3)]
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Retried for as long as Relay retries; nothing is sent until someone replays or resumes.</summary>
    [Id(4)]
    public bool Suspended { get; set; }

    /// <summary>The newest deliveries, oldest first (<see cref="WebhookDecisions.LogSize"/>).</summary>
    [Id(5)]
    public List<WebhookDelivery> Log { get; set; } = [];

    /// <summary>Single events to deliver again, before the next new one.</summary>
    [Id(6)]
    public List<long> Replays { get; set; } = [];
}
