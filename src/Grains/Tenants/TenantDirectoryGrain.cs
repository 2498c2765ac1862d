using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Relay.Tenants;

/// <summary>
/// Every tenant Relay has, with what the console's tenant list shows of it. Tenants register themselves when created or
/// changed and whenever an existing one activates, so tenants stored before the directory existed join it on first use.
/// One grain: key <see cref="TenantDirectory.Key"/>.
/// </summary>
[Alias("relay.ITenantDirectoryGrain")]
public interface ITenantDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Adds the tenant or updates its entry; an unchanged entry is not written again.</summary>
    [Alias("Register")]
    Task RegisterAsync(TenantListing listing);

    /// <summary>Every tenant, by id.</summary>
    [Alias("List"), AlwaysInterleave]
    Task<ImmutableArray<TenantListing>> ListAsync();
}

/// <summary>A tenant as the console's list shows it: no secrets, only where it signs in.</summary>
[GenerateSerializer, Immutable, Alias("relay.tenant-listing")]
public sealed record TenantListing(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string? DisplayName,
    [property: Id(2)] string Crm,
    [property: Id(3)] string? Address,
    [property: Id(4)] int Automations)
{
    /// <summary>The listing of a tenant's configuration: onsite NetServer with its address, or Online with its context.</summary>
    public static TenantListing Of(TenantConfig config) => config.Settings.Crm.Online is { } online
        ? new(config.TenantId, config.Settings.DisplayName, "online", $"{online.ContextIdentifier} ({online.Environment})", config.Automations.Length)
        : new(config.TenantId, config.Settings.DisplayName, "netserver", config.Settings.Crm.BaseUrl, config.Automations.Length);
}

/// <summary>Where the tenant directory is, and how a tenant registers in it.</summary>
public static partial class TenantDirectory
{
    /// <summary>The directory grain's key.</summary>
    public const string Key = "tenants";

    /// <summary>The directory.</summary>
    public static ITenantDirectoryGrain Of(IGrainFactory grains) => grains.GetGrain<ITenantDirectoryGrain>(Key);

    /// <summary>
    /// Registers the tenant; a failure is logged and not passed on, since the tenant works without being listed and
    /// registers again on its next change or activation.
    /// </summary>
    public static async Task RegisterAsync(IGrainFactory grains, TenantConfig config, ILogger logger)
    {
        try
        {
            await Of(grains).RegisterAsync(TenantListing.Of(config));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRegisterFailed(logger, ex, config.TenantId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} could not be registered in the tenant directory; it registers again when it next activates or changes")]
    private static partial void LogRegisterFailed(ILogger logger, Exception ex, string tenantId);
}

/// <inheritdoc cref="ITenantDirectoryGrain"/>
public sealed class TenantDirectoryGrain(
    [PersistentState("tenant-directory", RelayStorage.Large)] IPersistentState<Dictionary<string, TenantListing>> state) : Grain, ITenantDirectoryGrain
{
    async Task ITenantDirectoryGrain.RegisterAsync(TenantListing listing)
    {
        if (state.State.TryGetValue(listing.TenantId, out var known) && known == listing)
        {
            return;
        }

        state.State[listing.TenantId] = listing;
        await state.WriteStateAsync();
    }

    Task<ImmutableArray<TenantListing>> ITenantDirectoryGrain.ListAsync() =>
        Task.FromResult(state.State.Values.OrderBy(t => t.TenantId, StringComparer.Ordinal).ToImmutableArray());
}
