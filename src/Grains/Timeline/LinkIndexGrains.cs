using Orleans.Runtime;

namespace Relay.Timeline;

/// <summary>
/// The contacts linked to one SuperOffice person (several eMarketeer contacts may share one), so the
/// Timeline panel can start from a person id. Key: <c>{tenant}:{personId}</c>.
/// </summary>
[Alias("relay.IPersonContactsGrain")]
public interface IPersonContactsGrain : IGrainWithStringKey
{
    /// <summary>Adds or removes a contact; repeating it changes nothing.</summary>
    [Alias("Set")]
    Task SetAsync(string contactId, bool linked);

    /// <summary>The linked contacts.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ImmutableArray<string>> GetAsync();
}

/// <summary>The persons of one SuperOffice company that have linked contacts. Key: <c>{tenant}:{companyId}</c>.</summary>
[Alias("relay.ICompanyPersonsGrain")]
public interface ICompanyPersonsGrain : IGrainWithStringKey
{
    /// <summary>Adds or removes a person; repeating it changes nothing.</summary>
    [Alias("Set")]
    Task SetAsync(int personId, bool linked);

    /// <summary>The persons.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ImmutableArray<int>> GetAsync();
}

/// <inheritdoc cref="IPersonContactsGrain"/>
public sealed class PersonContactsGrain(
    [PersistentState("person-contacts", RelayStorage.Name)] IPersistentState<HashSet<string>> state) : Grain, IPersonContactsGrain
{
    async Task IPersonContactsGrain.SetAsync(string contactId, bool linked)
    {
        if (linked ? state.State.Add(contactId) : state.State.Remove(contactId))
        {
            await state.WriteStateAsync();
        }
    }

    Task<ImmutableArray<string>> IPersonContactsGrain.GetAsync() => Task.FromResult(state.State.Order(StringComparer.Ordinal).ToImmutableArray());
}

/// <inheritdoc cref="ICompanyPersonsGrain"/>
public sealed class CompanyPersonsGrain(
    [PersistentState("company-persons", RelayStorage.Name)] IPersistentState<HashSet<int>> state) : Grain, ICompanyPersonsGrain
{
    async Task ICompanyPersonsGrain.SetAsync(int personId, bool linked)
    {
        if (linked ? state.State.Add(personId) : state.State.Remove(personId))
        {
            await state.WriteStateAsync();
        }
    }

    Task<ImmutableArray<int>> ICompanyPersonsGrain.GetAsync() => Task.FromResult(state.State.Order().ToImmutableArray());
}

/// <summary>Keys of the link index grains.</summary>
public static class LinkIndexKey
{
    /// <summary>The key of a tenant's person or company.</summary>
    public static string Of(string tenantId, int crmId) => $"{tenantId}:{crmId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
