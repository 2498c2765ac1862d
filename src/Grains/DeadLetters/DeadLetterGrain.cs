using Orleans.Runtime;
using Relay.Triggers;

namespace Relay.DeadLetters;

/// <summary>A tenant's dead letters: triggers that failed deterministically, visible and replayable. Key: the tenant id.</summary>
[Alias("relay.IDeadLetterGrain")]
public interface IDeadLetterGrain : IGrainWithStringKey
{
    /// <summary>Keeps a dead letter; the same contact and trigger again only counts up.</summary>
    [Alias("Add")]
    Task AddAsync(DeadLetter letter);

    /// <summary>A page, newest first, optionally of one error type.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<DeadLetterPage> GetAsync(string? errorType, int skip, int take);

    /// <summary>Sends the trigger to its contact again and forgets the letter (it comes back if it fails again); false when unknown.</summary>
    [Alias("Replay")]
    Task<bool> ReplayAsync(string id);

    /// <summary>Replays every letter, or every letter of one error type; returns how many.</summary>
    [Alias("ReplayAll")]
    Task<int> ReplayAllAsync(string? errorType);

    /// <summary>Forgets a letter without replaying it; false when unknown.</summary>
    [Alias("Discard")]
    Task<bool> DiscardAsync(string id);

    /// <summary>Forgets every letter of one error type without replaying them; returns how many.</summary>
    [Alias("DiscardAll")]
    Task<int> DiscardAllAsync(string errorType);

    /// <summary>
    /// Forgets every letter of the contact (it was erased): those on its stream and those whose trigger names it though
    /// it arrived elsewhere. Returns how many.
    /// </summary>
    [Alias("EraseContact")]
    Task<int> EraseContactAsync(string contactId);
}

/// <inheritdoc cref="IDeadLetterGrain"/>
public sealed class DeadLetterGrain(
    [PersistentState("dead-letters", RelayStorage.Name)] IPersistentState<List<DeadLetter>> state) : Grain, IDeadLetterGrain
{
    /// <summary>The most letters a tenant keeps; the oldest go first.</summary>
    public const int Capacity = 10_000;

    private List<DeadLetter> Letters => state.State;

    async Task IDeadLetterGrain.AddAsync(DeadLetter letter)
    {
        var i = Letters.FindIndex(l => l.Id == letter.Id);
        if (i >= 0)
        {
            Letters[i] = letter with { Times = Letters[i].Times + 1 };
        }
        else
        {
            Letters.Add(letter);
            if (Letters.Count > Capacity)
            {
                Letters.RemoveRange(0, Letters.Count - Capacity);
            }
        }

        await state.WriteStateAsync();
    }

    Task<DeadLetterPage> IDeadLetterGrain.GetAsync(string? errorType, int skip, int take)
    {
        var chosen = Letters.Where(l => errorType is null || l.ErrorType == errorType).Reverse().ToList();
        return Task.FromResult(new DeadLetterPage(
            chosen.Count,
            Letters.GroupBy(l => l.ErrorType).ToImmutableDictionary(g => g.Key, g => g.Count()),
            [.. chosen.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 0, 500))]));
    }

    async Task<bool> IDeadLetterGrain.ReplayAsync(string id)
    {
        var letter = Letters.Find(l => l.Id == id);
        if (letter is null)
        {
            return false;
        }

        await ReplayAsync([letter]);
        return true;
    }

    async Task<int> IDeadLetterGrain.ReplayAllAsync(string? errorType)
    {
        var chosen = Letters.Where(l => errorType is null || l.ErrorType == errorType).ToList();
        await ReplayAsync(chosen);
        return chosen.Count;
    }

    async Task<bool> IDeadLetterGrain.DiscardAsync(string id)
    {
        if (Letters.RemoveAll(l => l.Id == id) == 0)
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    async Task<int> IDeadLetterGrain.DiscardAllAsync(string errorType)
    {
        var discarded = Letters.RemoveAll(l => l.ErrorType == errorType);
        if (discarded > 0)
        {
            await state.WriteStateAsync();
        }

        return discarded;
    }

    async Task<int> IDeadLetterGrain.EraseContactAsync(string contactId)
    {
        var key = Contacts.ContactKey.Of(this.GetPrimaryKeyString(), contactId);
        var erased = Letters.RemoveAll(l => l.ContactKey == key || l.Envelope?.Trigger?.Contact?.Id == contactId);
        if (erased > 0)
        {
            await state.WriteStateAsync();
        }

        return erased;
    }

    /// <summary>Forgets the letters first, so a trigger that fails again is simply kept again.</summary>
    private async Task ReplayAsync(List<DeadLetter> letters)
    {
        if (letters.Count == 0)
        {
            return;
        }

        Letters.RemoveAll(letters.Contains);
        await state.WriteStateAsync();
        var provider = this.GetStreamProvider(RelayStorage.TriggerStreamProvider);
        foreach (var letter in letters)
        {
            var stream = provider.GetStream<TriggerEnvelope>(TriggerLanes.For(letter.ContactKey));
            await stream.OnNextAsync(letter.Envelope);
        }
    }
}
