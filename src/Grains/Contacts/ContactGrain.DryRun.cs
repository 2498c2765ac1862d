using Relay.DryRun;
using Relay.Timeline;

namespace Relay.Contacts;

/// <summary>The dry run's read of the contact: its state as it stands, and a trigger from its timeline. Never writes.</summary>
public sealed partial class ContactGrain
{
    async Task<DryRunBasis?> IContactGrain.GetDryRunBasisAsync(string? triggerId)
    {
        if (S.FirstSeen is null)
        {
            return null;
        }

        var entry = triggerId is null ? null : S.Timeline.FindLast(e => e.TriggerId == triggerId);
        for (var chunk = S.TimelineChunks - 1; triggerId is not null && entry is null && chunk >= 0; chunk--)
        {
            var entries = await GrainFactory.GetGrain<ITimelineChunkGrain>(TimelineChunkKey.Of(_tenantId, _contactId, chunk)).GetAsync();
            entry = entries.LastOrDefault(e => e.TriggerId == triggerId);
        }

        // ContactState is not [Immutable]: Orleans hands the caller a deep copy, so the dry run may change it freely.
        return new DryRunBasis(S, entry);
    }
}
