using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Relay.Crm;
using Relay.Crm.Online;

namespace Relay.Tenants;

/// <inheritdoc cref="ITenantGrain"/>
public sealed class TenantGrain(
    [PersistentState("tenant", RelayStorage.Name)] IPersistentState<TenantState> state,
    CrmSecrets secrets,
    CrmAddressPolicy addresses,
    IOptions<OnlineOptions> online,
    ILogger<TenantGrain> logger) : Grain, ITenantGrain
{
    private TenantConfig? _config;

    /// <summary>
    /// Settings stored before secrets were protected carry them in plaintext: they are protected and written back when
    /// the grain activates, which every contact of the tenant causes, so no plaintext outlives the first use.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ProtectPlainSecretsAsync(cancellationToken);

        // Tenants stored before the directory existed join it here; the others find themselves listed already. Not
        // awaited: every contact of the tenant waits for this activation, and must not wait for the directory too.
        if (Config() is { } config)
        {
            TenantDirectory.RegisterAsync(GrainFactory, config, logger).Ignore();
        }
    }

    private async Task ProtectPlainSecretsAsync(CancellationToken cancellationToken)
    {
        if (state.State.Settings is not { Crm: var crm } settings || !(IsPlain(crm.Password) || IsPlain(crm.ApplicationToken) || IsPlain(crm.Online?.SystemUserToken)))
        {
            return;
        }

        state.State.Settings = settings with
        {
            Crm = crm with
            {
                Password = ProtectPlain(crm.Password),
                ApplicationToken = ProtectPlain(crm.ApplicationToken),
                Online = crm.Online is { } o ? o with { SystemUserToken = ProtectPlain(o.SystemUserToken) } : null,
            },
        };
        try
        {
            // The settings mean the same, so the version (which makes contact grains reload them) stays.
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Tenant {TenantId}: its plaintext CRM secrets could not be stored protected yet; the next write stores them", this.GetPrimaryKeyString());
        }

        static bool IsPlain(string? secret) => !string.IsNullOrEmpty(secret) && !CrmSecrets.IsProtected(secret);
        string? ProtectPlain(string? secret) => IsPlain(secret) ? secrets.Protect(secret!) : secret;
    }

    Task<TenantConfig?> ITenantGrain.GetConfigAsync() => Task.FromResult(Config());

    private TenantConfig? Config() =>
        state.State.Settings is null ? null : _config ??= new TenantConfig(this.GetPrimaryKeyString(), state.State.Settings, state.State.Automations, state.State.Version);

    async Task<ValidationResult> ITenantGrain.PutSettingsAsync(TenantSettings settings)
    {
        var errors = TenantRules.Validate(settings, addresses);
        if (errors.Count == 0 && settings.Crm.Online is { } sentOnline && online.Value.EnvironmentBase(sentOnline.Environment) is null)
        {
            errors = [$"crm.online.environment: '{sentOnline.Environment}' is not an environment Relay knows ({string.Join(", ", online.Value.EnvironmentNames)}; others are added in {OnlineOptions.Section}:Environments)"];
        }
        else if (errors.Count == 0 && settings.Crm.Online is null && await addresses.CheckAsync(settings.Crm.BaseUrl) is { } unreachable)
        {
            errors = [unreachable];
        }
        else if (errors.Count == 0 && settings.Webhook is { } hook && await addresses.CheckAsync(hook.Url) is { } badHook)
        {
            errors = [Feed.Webhooks.WebhookRules.AsWebhookProblem(badHook)];
        }

        if (errors.Count > 0)
        {
            return ValidationResult.Fail(errors);
        }

        // An omitted secret is kept only while the tenant signs in as the same user at the same address (an Online
        // tenant: the same context in the same environment); an empty one removes it.
        var stored = state.State.Settings?.Crm;
        var keep = stored is not null && TenantRules.SameSignIn(stored, settings.Crm);
        settings = settings with
        {
            Crm = settings.Crm with
            {
                Password = Secret(settings.Crm.Password, stored?.Password, keep),
                ApplicationToken = Secret(settings.Crm.ApplicationToken, stored?.ApplicationToken, keep),
                Online = settings.Crm.Online is { } sent ? sent with { SystemUserToken = Secret(sent.SystemUserToken, stored?.Online?.SystemUserToken, keep) } : null,
            },
        };
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

    async Task<AutomationWrite> ITenantGrain.PutAutomationAsync(Automation automation, string? ifMatch)
    {
        if (state.State.Settings is null)
        {
            return new AutomationWrite(AutomationWriteOutcome.NoTenant);
        }

        var automations = state.State.Automations;
        var before = automations.FirstOrDefault(a => a.Id == automation.Id);
        var index = before is null ? -1 : automations.IndexOf(before);
        if (Precondition(before, ifMatch) is { } refused)
        {
            return refused;
        }

        var after = index >= 0 ? automations.SetItem(index, automation) : automations.Add(automation);
        var errors = AutomationValidator.ValidateOne(automation).ToList();
        if (after.Length > AutomationValidator.MaxAutomations)
        {
            errors.Add($"automations: a tenant has at most {AutomationValidator.MaxAutomations} automations");
        }

        if (errors.Count > 0)
        {
            return new AutomationWrite(AutomationWriteOutcome.Invalid, before, Errors: [.. errors]);
        }

        state.State.Automations = after;
        await SaveAsync();
        return new AutomationWrite(before is null ? AutomationWriteOutcome.Created : AutomationWriteOutcome.Replaced, before, automation);
    }

    async Task<AutomationWrite> ITenantGrain.DeleteAutomationAsync(string id, string? ifMatch)
    {
        if (state.State.Settings is null)
        {
            return new AutomationWrite(AutomationWriteOutcome.NoTenant);
        }

        var before = state.State.Automations.FirstOrDefault(a => a.Id == id);
        if (before is null)
        {
            return new AutomationWrite(ifMatch is null ? AutomationWriteOutcome.NotFound : AutomationWriteOutcome.Conflict);
        }

        if (Precondition(before, ifMatch) is { } refused)
        {
            return refused;
        }

        state.State.Automations = state.State.Automations.Remove(before);
        await SaveAsync();
        return new AutomationWrite(AutomationWriteOutcome.Deleted, before);
    }

    /// <summary>Why a write to <paramref name="stored"/> (null: there is none) may not happen, or null when it may.</summary>
    private static AutomationWrite? Precondition(Automation? stored, string? ifMatch) => (stored, ifMatch) switch
    {
        (null, null) => null,
        (not null, null) => new AutomationWrite(AutomationWriteOutcome.PreconditionRequired, stored),
        _ when AutomationETag.Admits(ifMatch, stored is null ? null : AutomationETag.Of(stored)) => null,
        _ => new AutomationWrite(AutomationWriteOutcome.Conflict, stored),
    };

    private string? Secret(string? sent, string? stored, bool keep) => sent switch
    {
        null => keep ? stored : null,
        "" => null,
        _ => secrets.Protect(sent),
    };

    private async Task SaveAsync()
    {
        state.State.Version++;
        _config = null;
        await state.WriteStateAsync();
        await TenantDirectory.RegisterAsync(GrainFactory, Config()!, logger);
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
