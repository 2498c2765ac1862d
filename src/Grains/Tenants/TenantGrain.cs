using Orleans.Runtime;

namespace Relay.Tenants;

/// <inheritdoc cref="ITenantGrain"/>
public sealed class TenantGrain(
    [PersistentState("tenant", RelayStorage.Name)] IPersistentState<TenantState> state) : Grain, ITenantGrain
{
    private TenantConfig? _config;

    Task<TenantConfig?> ITenantGrain.GetConfigAsync()
    {
        if (state.State.Settings is null)
        {
            return Task.FromResult<TenantConfig?>(null);
        }

        _config ??= new TenantConfig(this.GetPrimaryKeyString(), state.State.Settings, state.State.Automations, state.State.Version);
        return Task.FromResult<TenantConfig?>(_config);
    }

    async Task<ValidationResult> ITenantGrain.PutSettingsAsync(TenantSettings settings)
    {
        var errors = TenantRules.Validate(settings);
        if (errors.Count > 0)
        {
            return ValidationResult.Fail(errors);
        }

        if (settings.Crm.Password is null && state.State.Settings?.Crm.Password is { } kept)
        {
            settings = settings with { Crm = settings.Crm with { Password = kept } };
        }

        state.State.Settings = settings;
        await SaveAsync();
        return ValidationResult.Ok;
    }

    async Task<ValidationResult> ITenantGrain.PutAutomationsAsync(ImmutableArray<Automation> automations)
    {
        if (state.State.Settings is null)
        {
            return ValidationResult.Fail(["tenant: create the tenant (PUT its settings) before its automations"]);
        }

        var errors = AutomationValidator.Validate(automations.IsDefault ? null : automations.Cast<Automation?>().ToList());
        if (errors.Count > 0)
        {
            return ValidationResult.Fail(errors);
        }

        state.State.Automations = automations;
        await SaveAsync();
        return ValidationResult.Ok;
    }

    private async Task SaveAsync()
    {
        state.State.Version++;
        _config = null;
        await state.WriteStateAsync();
    }
}

/// <summary>What a tenant grain stores.</summary>
[GenerateSerializer, Alias("relay.tenant-state")]
public sealed class TenantState
{
    /// <summary>Null until the tenant is created.</summary>
    [Id(0)]
    public TenantSettings? Settings { get; set; }

    /// <summary>The tenant's automations, in the order they are matched.</summary>
    [Id(1)]
    public ImmutableArray<Automation> Automations { get; set; } = [];

    /// <summary>Grows with every change.</summary>
    [Id(2)]
    public long Version { get; set; }
}
