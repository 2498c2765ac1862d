using Microsoft.Extensions.Logging;
using Relay.Hosting;

namespace Relay.Feed;

/// <summary>
/// The head of a tenant's feed: the open page (the newest events, fewer than <see cref="PageSize"/>), the sequence, and the
/// list of sealed pages (<see cref="IEventFeedPageGrain"/>). Appends interleave and are stored together: while one write is
/// under way the next appends wait in memory, and the write after it stores all of them (group commit), so thousands of
/// appends a second cost a few writes of one page, never a write of the whole feed. A full open page is sealed into its page
/// grain before the head's write that empties it. Readers see only what is written.
/// </summary>
/// <remarks>
/// Duplicates (an event a contact appends again after a crash) are recognised by id within the window of the last
/// <see cref="DedupePages"/> sealed pages and the open page; a contact repeats an append within seconds or minutes.
/// </remarks>
public sealed partial class EventFeedGrain(
    [PersistentState("feed", RelayStorage.Large)] IPersistentState<EventFeedState> state,
    RelayClock time,
    ILogger<EventFeedGrain> logger) : Grain, IEventFeedGrain
{
    /// <summary>Entries per sealed page.</summary>
    public const int PageSize = 256;

    /// <summary>How many sealed pages (besides the open one) the duplicate window and the read cache cover.</summary>
    public const int DedupePages = 32;

    /// <summary>How long an appended id stays in the duplicate window at the least (see <see cref="Forget"/>).</summary>
    public static readonly TimeSpan DedupeAge = TimeSpan.FromMinutes(15);

    /// <summary>The most ids the duplicate window holds, whatever their age (about 30 MB at most).</summary>
    public const int MaxDedupeIds = 500_000;

    /// <summary>How long the feed keeps events: a sealed page whose newest event is older is dropped.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    private readonly List<(ImmutableArray<FeedEvent> Events, TaskCompletionSource Stored)> _waiting = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _idOrder = new();
    private readonly SortedDictionary<long, ImmutableArray<FeedEntry>> _pages = [];
    private Task? _writer;
    private long _committed;
    private bool _broken;

    private string Tenant => this.GetPrimaryKeyString();

    private EventFeedState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _committed = S.LastSeq;
        var recent = S.Sealed.TakeLast(DedupePages).Select(p => p.Page).ToList();
        var loaded = await Task.WhenAll(recent.Select(p => GrainFactory.GetGrain<IEventFeedPageGrain>(FeedPageKey.Of(Tenant, p)).ReadAsync()));
        for (var i = 0; i < recent.Count; i++)
        {
            _pages[recent[i]] = loaded[i];
            Remember(loaded[i].Select(e => e.Event.Id));
        }

        Remember(S.Open.Select(e => e.Event.Id));
    }

    Task IEventFeedGrain.AppendAsync(ImmutableArray<FeedEvent> events)
    {
        if (_broken)
        {
            throw new InvalidOperationException($"The feed of tenant {Tenant} failed a write and is reloading; append again.");
        }

        if (events.IsDefaultOrEmpty)
        {
            return Task.CompletedTask;
        }

        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((events, stored));
        if (_writer is null || _writer.IsCompleted)
        {
            _writer = WriteWaitingAsync();
        }

        return stored.Task;
    }

    Task<FeedHead> IEventFeedGrain.GetHeadAsync() => Task.FromResult(new FeedHead(_committed, S.OldestSeq));

    /// <summary>Stores what waits, a batch per write, until nothing waits; a failed write fails its batch and reloads the feed.</summary>
    private async Task WriteWaitingAsync()
    {
        while (_waiting.Count > 0)
        {
            var batch = _waiting.ToArray();
            _waiting.Clear();
            try
            {
                var added = false;
                foreach (var e in batch.SelectMany(b => b.Events))
                {
                    if (!_ids.Add(e.Id))
                    {
                        continue;
                    }

                    _idOrder.Enqueue((e.Id, time.GetUtcNow()));
                    S.Open.Add(new FeedEntry(++S.LastSeq, e));
                    added = true;
                    if (S.Open.Count == PageSize)
                    {
                        await SealOpenPageAsync();
                    }
                }

                if (added)
                {
                    await state.WriteStateAsync();
                    _committed = S.LastSeq;
                    Forget();
                    WakeWebhook();
                }

                foreach (var (_, stored) in batch)
                {
                    stored.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The state in memory holds entries that were not stored: this activation must not number anything more.
                LogWriteFailed(logger, ex, Tenant, batch.Length);
                _broken = true;
                DeactivateOnIdle();
                foreach (var (_, stored) in batch.Concat(_waiting))
                {
                    stored.TrySetException(ex);
                }

                _waiting.Clear();
                return;
            }
        }
    }

    /// <summary>
    /// Writes the open page to its page grain and starts a new one; drops pages older than <see cref="Retention"/>. The head's
    /// write follows: should it fail, the page is sealed again from the stored open page, and what the page grain held
    /// beyond the stored sequence was never shown to a reader.
    /// </summary>
    private async Task SealOpenPageAsync()
    {
        var entries = S.Open.ToImmutableArray();
        var page = (entries[0].Seq - 1) / PageSize;
        await GrainFactory.GetGrain<IEventFeedPageGrain>(FeedPageKey.Of(Tenant, page)).PutAsync(entries);
        S.Sealed.Add(new SealedFeedPage(page, entries[^1].Event.At));
        S.Open.Clear();
        _pages[page] = entries;
        while (_pages.Count > DedupePages)
        {
            _pages.Remove(_pages.Keys.First());
        }

        var cutoff = time.GetUtcNow() - Retention;
        while (S.Sealed.Count > 0 && S.Sealed[0].NewestAt < cutoff)
        {
            var old = S.Sealed[0];
            await GrainFactory.GetGrain<IEventFeedPageGrain>(FeedPageKey.Of(Tenant, old.Page)).DropAsync();
            S.Sealed.RemoveAt(0);
            S.OldestSeq = ((old.Page + 1) * PageSize) + 1;
        }
    }

    /// <summary>Adds ids to the duplicate window.</summary>
    private void Remember(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (_ids.Add(id))
            {
                _idOrder.Enqueue((id, time.GetUtcNow()));
            }
        }

        Forget();
    }

    /// <summary>
    /// Keeps the duplicate window: at least the last <see cref="DedupePages"/> pages of ids, and besides those every id
    /// appended in the last <see cref="DedupeAge"/> (up to <see cref="MaxDedupeIds"/>), so that a contact repeating its
    /// append after a lost state write (its reminder brings it back within about a minute) is recognised at any rate.
    /// The oldest ids leave first.
    /// </summary>
    private void Forget()
    {
        var young = time.GetUtcNow() - DedupeAge;
        while (_idOrder.Count > (DedupePages + 1) * PageSize && (_idOrder.Peek().At < young || _idOrder.Count > MaxDedupeIds))
        {
            _ids.Remove(_idOrder.Dequeue().Id);
        }
    }

    /// <summary>Tells the tenant's webhook there is more to deliver; one message per write, not per event.</summary>
    private void WakeWebhook() => GrainFactory.GetGrain<Webhooks.IWebhookGrain>(Tenant).WakeAsync().Ignore();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed of tenant {Tenant}: storing {Appends} append(s) failed; reloading")]
    private static partial void LogWriteFailed(ILogger logger, Exception ex, string tenant, int appends);
}

/// <summary>The feed head's stored state.</summary>
[GenerateSerializer, Alias("relay.event-feed-state")]
public sealed class EventFeedState
{
    /// <summary>The open page: the newest entries, fewer than <see cref="EventFeedGrain.PageSize"/>.</summary>
    [Id(0)]
    public List<FeedEntry> Open { get; set; } = [];

    [Id(1)]
    public long LastSeq { get; set; }

    /// <summary>The sealed pages still kept, oldest first.</summary>
    [Id(2)]
    public List<SealedFeedPage> Sealed { get; set; } = [];

    /// <summary>The oldest sequence the feed keeps: 1 until retention drops a page.</summary>
    [Id(3)]
    public long OldestSeq { get; set; } = 1;
}

/// <summary>A sealed page: its number and its newest event's time (for retention).</summary>
[GenerateSerializer, Immutable, Alias("relay.sealed-feed-page")]
public sealed record SealedFeedPage([property: Id(0)] long Page, [property: Id(1)] DateTimeOffset NewestAt);
