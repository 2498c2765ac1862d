namespace Relay.Feed;

/// <summary>Reading the feed after a cursor: sealed pages from the cache or their grains, then the open page; only what is stored.</summary>
public sealed partial class EventFeedGrain
{
    /// <summary>The most a read returns.</summary>
    public const int MaxTake = 1000;

    async Task<FeedPage> IEventFeedGrain.ReadAsync(long after, int take)
    {
        // Taken before the first await: appends interleave with reads, and a reader sees only what was written.
        var committed = _committed;
        var oldest = S.OldestSeq;
        var open = S.Open.ToImmutableArray();
        take = Math.Clamp(take, 0, MaxTake);
        var entries = ImmutableArray.CreateBuilder<FeedEntry>(take);
        var next = Math.Max(after, oldest - 1);
        while (entries.Count < take && next < committed)
        {
            var page = next / PageSize;
            var source = open.Length > 0 && open[0].Seq <= next + 1 ? open : await SealedPageAsync(page);
            var added = false;
            foreach (var e in source)
            {
                if (e.Seq > next && e.Seq <= committed && entries.Count < take)
                {
                    entries.Add(e);
                    next = e.Seq;
                    added = true;
                }
            }

            if (!added)
            {
                // A page that is gone (dropped, or never sealed after a failed write): its numbers are skipped.
                next = Math.Max(next, ((page + 1) * PageSize));
            }
        }

        var result = entries.ToImmutable();
        return new FeedPage(result, result.IsEmpty ? after : result[^1].Seq, oldest);
    }

    private async Task<ImmutableArray<FeedEntry>> SealedPageAsync(long page) =>
        _pages.TryGetValue(page, out var cached)
            ? cached
            : await GrainFactory.GetGrain<IEventFeedPageGrain>(FeedPageKey.Of(Tenant, page)).ReadAsync();
}
