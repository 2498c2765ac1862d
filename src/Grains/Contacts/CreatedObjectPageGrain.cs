using Relay.Crm;
using Relay.Hosting;

namespace Relay.Contacts;

/// <summary>
/// An archived, full page of the objects Relay created for one contact (<see cref="ContactDecisions.CreatedObjectPageSize"/>,
/// oldest first): an erasure finds their event details here, while the contact's own state — written on every trigger —
/// keeps only the latest ones, however many sales and tasks its history made. Key: <c>{tenant}:{contactId}:{page number}</c>
/// (see <see cref="CreatedObjectPageKey"/>).
/// </summary>
[Alias("relay.ICreatedObjectPageGrain")]
public interface ICreatedObjectPageGrain : IGrainWithStringKey
{
    /// <summary>Stores the page; storing the same objects again changes nothing.</summary>
    [Alias("Put")]
    Task PutAsync(ImmutableArray<CrmCreatedObject> objects);

    /// <summary>The page's objects, oldest first; empty when it was never stored (or was cleared).</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ImmutableArray<CrmCreatedObject>> GetAsync();

    /// <summary>Removes the page from storage (the contact was erased); clearing it again changes nothing.</summary>
    [Alias("Clear")]
    Task ClearAsync();
}

/// <summary>Keys of <see cref="ICreatedObjectPageGrain"/>.</summary>
public static class CreatedObjectPageKey
{
    /// <summary>The key of a contact's page number <paramref name="page"/> (0 is the oldest).</summary>
    public static string Of(string tenantId, string contactId, int page) =>
        $"{ContactKey.Of(tenantId, contactId)}:{page.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <inheritdoc cref="ICreatedObjectPageGrain"/>
public sealed class CreatedObjectPageGrain(
    [PersistentState("created-objects", RelayStorage.Name)] IPersistentState<CreatedObjectPageState> state) : Grain, ICreatedObjectPageGrain
{
    async Task ICreatedObjectPageGrain.PutAsync(ImmutableArray<CrmCreatedObject> objects)
    {
        if (state.RecordExists && state.State.Objects.SequenceEqual(objects))
        {
            return;
        }

        state.State.Objects = objects;
        await state.WriteStateAsync();
    }

    Task<ImmutableArray<CrmCreatedObject>> ICreatedObjectPageGrain.GetAsync() => Task.FromResult(state.State.Objects);

    async Task ICreatedObjectPageGrain.ClearAsync()
    {
        if (state.RecordExists || !state.State.Objects.IsEmpty)
        {
            await state.ClearStateAsync();
            state.State = new CreatedObjectPageState();
        }
    }
}

/// <summary>What a created-object page grain stores.</summary>
[GenerateSerializer, SuppressReferenceTracking, Alias("relay.created-object-page-state")]
public sealed class CreatedObjectPageState
{
    /// <summary>The objects, oldest first.</summary>
    [Id(0)]
    public ImmutableArray<CrmCreatedObject> Objects { get; set; } = [];
}
