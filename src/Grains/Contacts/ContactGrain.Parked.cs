namespace Relay.Contacts;

/// <summary>
/// Parked actions, once someone looked at them: replayed after their cause is fixed (back to the outbox, and the drain
/// performs them), or discarded (dropped, an outcome says so).
/// </summary>
public sealed partial class ContactGrain
{
    Task<int> IContactGrain.ReplayParkedAsync(string? key, string? errorType) =>
        ChangeParkedAsync(ContactDecisions.Replay(S, key, errorType, time.GetUtcNow()));

    Task<int> IContactGrain.DiscardParkedAsync(string? key, string? errorType) =>
        ChangeParkedAsync(ContactDecisions.Discard(S, key, errorType, time.GetUtcNow()));

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
