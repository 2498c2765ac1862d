using System.Text.Json;
using Relay.Admin;
using Relay.Contacts;
using Relay.DeadLetters;

namespace Relay.Web.Admin;

/// <summary>
/// Replaying and discarding a tenant's parked actions and dead letters as <paramref name="who"/>, each change recorded in
/// the tenant's admin log. The admin API and the console's operations page both go through here, so neither can act
/// without the record. Nothing is recorded when nothing matched.
/// </summary>
public sealed class TenantOperations(IGrainFactory grains, string tenant, string who)
{
    /// <summary>The admin log's subject of a change to every parked action or dead letter.</summary>
    public const string All = "all";

    /// <summary>Puts one parked action back in its contact's outbox; false when the contact has no such parked action.</summary>
    public Task<bool> ReplayParkedAsync(string contactId, string key) =>
        ChangeParkedAsync(contactId, key, "replay", "Replayed", c => c.ReplayParkedAsync(key, null));

    /// <summary>Drops one parked action, kept as a discarded outcome; false when the contact has no such parked action.</summary>
    public Task<bool> DiscardParkedAsync(string contactId, string key) =>
        ChangeParkedAsync(contactId, key, "discard", "Discarded", c => c.DiscardParkedAsync(key, null));

    /// <summary>Replays every parked action of one error type, or all when <paramref name="errorType"/> is null; returns how many.</summary>
    public async Task<int> ReplayParkedAsync(string? errorType) =>
        await RecordManyAsync(AdminAreas.Parked, errorType, "replay", "Replayed", "parked action", await ParkedInBulk.ReplayAsync(grains, tenant, errorType));

    /// <summary>Discards every parked action of one error type; returns how many.</summary>
    public async Task<int> DiscardParkedAsync(string errorType) =>
        await RecordManyAsync(AdminAreas.Parked, errorType, "discard", "Discarded", "parked action", await ParkedInBulk.DiscardAsync(grains, tenant, errorType));

    /// <summary>Sends one dead letter's trigger to its contact again; false when there is no such letter.</summary>
    public async Task<bool> ReplayDeadLetterAsync(string id) =>
        await Letters.ReplayAsync(id) && await RecordAsync(AdminAreas.DeadLetter, id, "replay", $"Replayed dead letter {id}");

    /// <summary>Forgets one dead letter without replaying it; false when there is no such letter.</summary>
    public async Task<bool> DiscardDeadLetterAsync(string id) =>
        await Letters.DiscardAsync(id) && await RecordAsync(AdminAreas.DeadLetter, id, "discard", $"Discarded dead letter {id}");

    /// <summary>Forgets every dead letter of one error type without replaying them; returns how many.</summary>
    public async Task<int> DiscardDeadLettersAsync(string errorType) =>
        await RecordManyAsync(AdminAreas.DeadLetter, errorType, "discard", "Discarded", "dead letter", await Letters.DiscardAllAsync(errorType));

    /// <summary>Replays every dead letter of one error type, or all when <paramref name="errorType"/> is null; returns how many.</summary>
    public async Task<int> ReplayDeadLettersAsync(string? errorType) =>
        await RecordManyAsync(AdminAreas.DeadLetter, errorType, "replay", "Replayed", "dead letter", await Letters.ReplayAllAsync(errorType));

    /// <summary>How a count of parked actions or dead letters reads: "1 parked action", "3 dead letters".</summary>
    public static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private IDeadLetterGrain Letters => grains.GetGrain<IDeadLetterGrain>(tenant);

    private async Task<bool> ChangeParkedAsync(string contactId, string key, string action, string done, Func<IContactGrain, Task<int>> change)
    {
        var contact = grains.GetGrain<IContactGrain>(ContactKey.Of(tenant, contactId));
        var before = (await contact.GetViewAsync(0, 0))?.Parked.FirstOrDefault(p => p.Key == key);
        if (before is null || await change(contact) == 0)
        {
            return false;
        }

        var parked = new ParkedAction(contactId, before.Key, before.TriggerId, before.AutomationId, before.Action.Kind, before.LastErrorType ?? "Unknown", before.LastError, before.Attempts);
        return await RecordAsync(AdminAreas.Parked, $"{contactId}/{key}", action, $"{done} parked action {key} of contact {contactId}", JsonSerializer.Serialize(parked, RelayJson.Options));
    }

    private async Task<int> RecordManyAsync(string area, string? errorType, string action, string done, string noun, int count)
    {
        if (count > 0)
        {
            await RecordAsync(area, errorType ?? All, action, $"{done} {Count(count, noun)}{(errorType is null ? "" : $" of type {errorType}")}");
        }

        return count;
    }

    private async Task<bool> RecordAsync(string area, string subject, string action, string detail, string? before = null)
    {
        await grains.GetGrain<IAdminLogGrain>(tenant).RecordAsync(new AdminChange(area, subject, action, who, before, null, detail));
        return true;
    }
}
