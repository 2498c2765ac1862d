namespace Relay.Feed;

/// <summary>
/// One sealed page of a tenant's feed (key: <c>{tenant}:{page}</c>): <see cref="EventFeedGrain.PageSize"/> entries that
/// never change once the head sealed them, so a reader or the webhook reads them without touching the head's state.
/// </summary>
[Alias("relay.IEventFeedPageGrain")]
public interface IEventFeedPageGrain : IGrainWithStringKey
{
    /// <summary>Stores the page's entries, replacing what a sealing that did not complete may have left.</summary>
    [Alias("Put")]
    Task PutAsync(ImmutableArray<FeedEntry> entries);

    /// <summary>The page's entries, oldest first; empty when the page was never sealed or has been dropped.</summary>
    [Alias("Read"), AlwaysInterleave]
    Task<ImmutableArray<FeedEntry>> ReadAsync();

    /// <summary>Drops the page: its events are older than the feed keeps (<see cref="EventFeedGrain.Retention"/>).</summary>
    [Alias("Drop")]
    Task DropAsync();
}

/// <summary>The key of a feed page.</summary>
public static class FeedPageKey
{
    /// <summary><c>{tenant}:{page}</c>.</summary>
    public static string Of(string tenant, long page) => $"{tenant}:{page}";
}

/// <inheritdoc cref="IEventFeedPageGrain"/>
public sealed class EventFeedPageGrain(
    [PersistentState("feed-page", RelayStorage.Large)] IPersistentState<EventFeedPageState> state) : Grain, IEventFeedPageGrain
{
    async Task IEventFeedPageGrain.PutAsync(ImmutableArray<FeedEntry> entries)
    {
        state.State.Entries = [.. entries];
        await state.WriteStateAsync();
    }

    Task<ImmutableArray<FeedEntry>> IEventFeedPageGrain.ReadAsync() => Task.FromResult<ImmutableArray<FeedEntry>>([.. state.State.Entries]);

    async Task IEventFeedPageGrain.DropAsync()
    {
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }

        state.State = new EventFeedPageState();
        DeactivateOnIdle();
    }
}

/// <summary>A sealed page's stored state.</summary>
[GenerateSerializer, Alias("relay.event-feed-page-state")]
public sealed class EventFeedPageState
{
    [Id(0)]
    public List<FeedEntry> Entries { get; set; } = [];
}
