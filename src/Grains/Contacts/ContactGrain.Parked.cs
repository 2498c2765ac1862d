namespace Relay.Contacts;

/// <summary>
/// Parked actions, once someone looked at them: replayed after their cause is fixed (back to the outbox, and the drain
/// performs them), or discarded (dropped, an outcome says so).
/// </summary>
public sealed partial class ContactGrain
{
    Task<int> IContactGrain.ReplayParkedAsync(string? key, string? errorType) =>
        ChangeParkedAsync(ContactDecisions.Replay(S, key, errorType, time.GetUtcNow()));

    Task<int> IContactGrain.DiscardParkedAsync(string? key, string? errorType)
    {
        // A discarded action never runs: eMarketeer hears of it as dead-lettered.
        var before = S.Parked.ToList();
        var now = time.GetUtcNow();
        var discarded = ContactDecisions.Discard(S, key, errorType, now);
        foreach (var item in before.Except(S.Parked))
        {
            Feed.FeedEvents.Raise(S, _contactId, Feed.FeedEventTypes.ActionDeadLettered, now, Feed.FeedEvents.ForAction(item, S.Link?.PersonId, errorType: item.LastErrorType));
        }

        return ChangeParkedAsync(discarded);
    }

    private async Task<int> ChangeParkedAsync(int changed)
    {
        if (changed > 0)
        {
            await state.WriteStateAsync(CancellationToken.None);

            // The drain updates the parked index; doing it here could call back into a grain that is calling us.
            ScheduleDrain(TimeSpan.Zero);
        }

        return changed;
    }
}
