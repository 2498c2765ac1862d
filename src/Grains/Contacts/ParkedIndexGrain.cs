using Orleans.Runtime;

namespace Relay.Contacts;

/// <summary>One parked action as the tenant's admin sees it.</summary>
[GenerateSerializer, Immutable, Alias("relay.parked-action")]
public sealed record ParkedAction(
    [property: Id(0)] string ContactId,
    [property: Id(1)] string Key,
    [property: Id(2)] string TriggerId,
    [property: Id(3)] string AutomationId,
    [property: Id(4)] ActionKind Kind,
    [property: Id(5)] string ErrorType,
    [property: Id(6)] string? Error,
    [property: Id(7)] int Attempts);

/// <summary>A tenant's parked actions grouped by error type, and one page of them.</summary>
[GenerateSerializer, Immutable, Alias("relay.parked-report")]
public sealed record ParkedReport(
    [property: Id(0)] int Total,
    [property: Id(1)] ImmutableArray<ParkedGroup> Groups,
    [property: Id(2)] ImmutableArray<ParkedAction> Items);

/// <summary>How many actions are parked with one error type, and an example of the error.</summary>
[GenerateSerializer, Immutable, Alias("relay.parked-group")]
public sealed record ParkedGroup([property: Id(0)] string ErrorType, [property: Id(1)] int Actions, [property: Id(2)] int Contacts, [property: Id(3)] string? Example);

/// <summary>
/// The tenant's parked actions, kept in step by the contact grains (each contact's own state is the truth).
/// Key: the tenant id.
/// </summary>
[Alias("relay.IParkedIndexGrain")]
public interface IParkedIndexGrain : IGrainWithStringKey
{
    /// <summary>Replaces what the index holds for a contact; an empty list removes it.</summary>
    [Alias("Set")]
    Task SetAsync(string contactId, ImmutableArray<ParkedAction> parked);

    /// <summary>The groups by error type and a page of parked actions, optionally of one error type.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ParkedReport> GetAsync(string? errorType, int skip, int take);

    /// <summary>The contacts with parked actions, optionally of one error type.</summary>
    [Alias("Contacts"), AlwaysInterleave]
    Task<ImmutableArray<string>> GetContactsAsync(string? errorType);
}

/// <inheritdoc cref="IParkedIndexGrain"/>
public sealed class ParkedIndexGrain(
    [PersistentState("parked", RelayStorage.Name)] IPersistentState<Dictionary<string, ImmutableArray<ParkedAction>>> state) : Grain, IParkedIndexGrain
{
    async Task IParkedIndexGrain.SetAsync(string contactId, ImmutableArray<ParkedAction> parked)
    {
        var changed = parked.IsDefaultOrEmpty
            ? state.State.Remove(contactId)
            : !state.State.TryGetValue(contactId, out var before) || !before.SequenceEqual(parked);
        if (!parked.IsDefaultOrEmpty)
        {
            state.State[contactId] = parked;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    Task<ParkedReport> IParkedIndexGrain.GetAsync(string? errorType, int skip, int take)
    {
        var all = state.State.Values.SelectMany(p => p).ToList();
        var groups = all.GroupBy(p => p.ErrorType)
            .Select(g => new ParkedGroup(g.Key, g.Count(), g.Select(p => p.ContactId).Distinct().Count(), g.First().Error))
            .OrderByDescending(g => g.Actions)
            .ToImmutableArray();
        var chosen = all.Where(p => errorType is null || p.ErrorType == errorType).OrderBy(p => p.ContactId, StringComparer.Ordinal).ToList();
        return Task.FromResult(new ParkedReport(chosen.Count, groups, [.. chosen.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 0, 500))]));
    }

    Task<ImmutableArray<string>> IParkedIndexGrain.GetContactsAsync(string? errorType) =>
        Task.FromResult(state.State.Where(e => errorType is null || e.Value.Any(p => p.ErrorType == errorType)).Select(e => e.Key).Order(StringComparer.Ordinal).ToImmutableArray());
}

/// <summary>Replaying or discarding a tenant's parked actions in bulk, contact by contact.</summary>
public static class ParkedInBulk
{
    /// <summary>Puts every parked action of the tenant (or of one error type) back in its contact's outbox; returns how many.</summary>
    public static Task<int> ReplayAsync(IGrainFactory grains, string tenantId, string? errorType) =>
        EachContactAsync(grains, tenantId, errorType, contact => contact.ReplayParkedAsync(null, errorType));

    /// <summary>Drops every parked action of the tenant (or of one error type), each kept as a discarded outcome; returns how many.</summary>
    public static Task<int> DiscardAsync(IGrainFactory grains, string tenantId, string? errorType) =>
        EachContactAsync(grains, tenantId, errorType, contact => contact.DiscardParkedAsync(null, errorType));

    private static async Task<int> EachContactAsync(IGrainFactory grains, string tenantId, string? errorType, Func<IContactGrain, Task<int>> change)
    {
        var changed = 0;
        foreach (var contactId in await grains.GetGrain<IParkedIndexGrain>(tenantId).GetContactsAsync(errorType))
        {
            changed += await change(grains.GetGrain<IContactGrain>(ContactKey.Of(tenantId, contactId)));
        }

        return changed;
    }
}
