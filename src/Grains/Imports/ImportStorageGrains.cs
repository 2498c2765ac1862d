namespace Relay.Imports;

/// <summary>The stored page.</summary>
[GenerateSerializer, Alias("relay.import-page-state")]
public sealed class ImportPageState
{
    /// <summary>The page, once read.</summary>
    [Id(0)]
    public ImportPage? Page { get; set; }
}

/// <inheritdoc cref="IImportPageGrain"/>
public sealed class ImportPageGrain([PersistentState("import-page", RelayStorage.Name)] IPersistentState<ImportPageState> state) : Grain, IImportPageGrain
{
    async Task IImportPageGrain.PutAsync(ImportPage page)
    {
        state.State.Page = page;
        await state.WriteStateAsync();
    }

    Task<ImportPage?> IImportPageGrain.GetAsync() => Task.FromResult(state.State.Page);

    async Task<int> IImportPageGrain.EraseAsync(Contacts.ErasureWork erased)
    {
        if (state.State.Page is not { } page)
        {
            return 0;
        }

        var kept = page.Rows.RemoveAll(r => Contacts.ContactErasure.Names(erased, r.PersonId, r.Email));
        if (kept.Length == page.Rows.Length)
        {
            return 0;
        }

        state.State.Page = page with { Rows = kept };
        await state.WriteStateAsync();
        return page.Rows.Length - kept.Length;
    }
}

/// <summary>Addresses claimed in one bucket: normalized e-mail → the first person with it.</summary>
[GenerateSerializer, Alias("relay.import-bucket-state")]
public sealed class ImportEmailBucketState
{
    /// <summary>The claims.</summary>
    [Id(0)]
    public Dictionary<string, int> Owners { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IImportEmailBucketGrain"/>
public sealed class ImportEmailBucketGrain([PersistentState("import-emails", RelayStorage.Name)] IPersistentState<ImportEmailBucketState> state) : Grain, IImportEmailBucketGrain
{
    async Task<Dictionary<string, int>> IImportEmailBucketGrain.ClaimAsync(List<EmailClaim> claims)
    {
        var owners = state.State.Owners;
        var answer = new Dictionary<string, int>(StringComparer.Ordinal);
        var changed = false;
        foreach (var (email, personId) in claims.Select(c => (c.Email, c.PersonId)))
        {
            if (!owners.TryGetValue(email, out var owner))
            {
                owners[email] = owner = personId;
                changed = true;
            }

            answer[email] = owner;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        return answer;
    }

    async Task IImportEmailBucketGrain.EraseAsync(Contacts.ErasureWork erased)
    {
        var names = state.State.Owners.Where(o => Contacts.ContactErasure.Names(erased, o.Value, o.Key)).Select(o => o.Key).ToList();
        if (names.Count > 0)
        {
            names.ForEach(n => state.State.Owners.Remove(n));
            await state.WriteStateAsync();
        }
    }
}

/// <summary>A tenant's job ids with when they started.</summary>
[GenerateSerializer, Alias("relay.import-index-state")]
public sealed class ImportIndexState
{
    /// <summary>Job id → start time.</summary>
    [Id(0)]
    public Dictionary<string, DateTimeOffset> Jobs { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="IImportIndexGrain"/>
public sealed class ImportIndexGrain([PersistentState("imports", RelayStorage.Name)] IPersistentState<ImportIndexState> state) : Grain, IImportIndexGrain
{
    async Task IImportIndexGrain.AddAsync(string jobId, DateTimeOffset at)
    {
        if (state.State.Jobs.TryAdd(jobId, at))
        {
            await state.WriteStateAsync();
        }
    }

    Task<ImmutableArray<string>> IImportIndexGrain.ListAsync(int take) =>
        Task.FromResult<ImmutableArray<string>>([.. state.State.Jobs.OrderByDescending(j => j.Value).ThenBy(j => j.Key, StringComparer.Ordinal).Take(Math.Max(0, take)).Select(j => j.Key)]);
}
