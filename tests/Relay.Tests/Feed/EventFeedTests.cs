using Orleans.Core.Internal;
using Relay.Feed;

namespace Relay.Tests.Feed;

/// <summary>The tenant's feed grain: each event once, in order, pages sealed, a cursor that survives a deactivation.</summary>
[Collection(InMemoryClusterCollection.Name)]
public sealed class EventFeedTests(InMemoryClusterFixture fixture)
{
    [Fact]
    public async Task An_event_appended_again_is_kept_once_and_events_keep_the_order_they_came_in()
    {
        var feed = fixture.Client.GetGrain<IEventFeedGrain>("t-" + Guid.NewGuid().ToString("N")[..12]);
        await feed.AppendAsync([Event("c1", 1), Event("c1", 2)]);
        await feed.AppendAsync([Event("c1", 1), Event("c1", 2), Event("c2", 1)]);

        var page = await feed.ReadAsync(0, 10);

        page.Entries.Select(e => (e.Seq, e.Event.Id)).ShouldBe([(1L, "c1:1"), (2L, "c1:2"), (3L, "c2:1")]);
        page.Next.ShouldBe(3);
        (await feed.ReadAsync(page.Next, 10)).Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Concurrent_appends_across_several_pages_are_each_stored_once_and_read_back_in_sequence_after_a_deactivation()
    {
        var feed = fixture.Client.GetGrain<IEventFeedGrain>("t-" + Guid.NewGuid().ToString("N")[..12]);
        var contacts = Enumerable.Range(0, 40).Select(c => $"c{c}").ToList();

        // 40 contacts appending 20 events each, in batches of 4, all at once: the appends meet in group commits.
        await Task.WhenAll(contacts.Select(async c =>
        {
            for (var n = 1; n <= 20; n += 4)
            {
                await feed.AppendAsync([.. Enumerable.Range(n, 4).Select(i => Event(c, i))]);
            }
        }));
        await feed.AppendAsync([Event("c0", 5), Event("c39", 20)]);
        await feed.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var all = new List<FeedEntry>();
        var cursor = 0L;
        while ((await feed.ReadAsync(cursor, 77)) is { Entries.IsEmpty: false } page)
        {
            all.AddRange(page.Entries);
            cursor = page.Next;
        }

        all.Count.ShouldBe(800);
        all.Select(e => e.Seq).ShouldBe(Enumerable.Range(1, 800).Select(i => (long)i));
        all.Select(e => e.Event.Id).Distinct().Count().ShouldBe(800);
        foreach (var c in contacts)
        {
            all.Where(e => e.Event.ContactId == c).Select(e => e.Event.Id).ShouldBe(Enumerable.Range(1, 20).Select(i => $"{c}:{i}"), $"the events of {c}, in order");
        }

        (await feed.GetHeadAsync()).ShouldBe(new FeedHead(800, 1));
        (await feed.ReadAsync(799, 5)).Entries.ShouldHaveSingleItem().Event.Id.ShouldBe(all[^1].Event.Id);

        // After the reactivation the duplicate window is rebuilt from the sealed pages.
        await feed.AppendAsync([Event("c3", 7)]);
        (await feed.GetHeadAsync()).Last.ShouldBe(800);
    }

    internal static FeedEvent Event(string contact, int n) =>
        new($"{contact}:{n}", FeedEventTypes.ActionSucceeded, contact, DateTimeOffset.UtcNow, new FeedEventData(ActionIndex: n));
}
