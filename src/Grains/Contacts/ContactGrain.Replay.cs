namespace Relay.Contacts;

/// <summary>Replaying parked actions once their cause is fixed: they go back to the outbox, and the drain performs them.</summary>
public sealed partial class ContactGrain
{
    async Task<int> IContactGrain.ReplayParkedAsync(string? key, string? errorType)
    {
        var replayed = ContactDecisions.Replay(S, key, errorType, time.GetUtcNow());
        if (replayed > 0)
        {
            await state.WriteStateAsync(CancellationToken.None);

            // The drain updates the parked index; doing it here could call back into a grain that is calling us.
            ScheduleDrain(TimeSpan.Zero);
        }

        return replayed;
    }
}
