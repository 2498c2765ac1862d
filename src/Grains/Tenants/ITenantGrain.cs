namespace Relay.Tenants;

/// <summary>A tenant's settings and automations. Key: the tenant id.</summary>
[Alias("relay.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>The tenant's configuration, or null when the tenant does not exist.</summary>
    [AlwaysInterleave, Alias("GetConfig")]
    Task<TenantConfig?> GetConfigAsync();

    /// <summary>
    /// Creates the tenant or replaces its settings, protecting its CRM secrets. An omitted (null) password or application
    /// token keeps the stored one unless the NetServer address or user name changes, which drops it; an empty one removes it.
    /// An Online tenant's system-user token is kept the same way while its context identifier and environment stay.
    /// </summary>
    [Alias("PutSettings")]
    Task<ValidationResult> PutSettingsAsync(TenantSettings settings);

    /// <summary>Replaces the tenant's automations after validating them.</summary>
    [Alias("PutAutomations")]
    Task<ValidationResult> PutAutomationsAsync(ImmutableArray<Automation> automations);

    /// <summary>
    /// Creates one automation (added after the others) or replaces the one with its id in place. Replacing needs
    /// <paramref name="ifMatch"/> (<c>*</c> or the stored automation's <see cref="AutomationETag"/>); with a tag, the
    /// automation must exist and still have it. Checked and applied in one turn of the grain, so of two editors who
    /// read the same version only the first one's save applies.
    /// </summary>
    [Alias("PutAutomation")]
    Task<AutomationWrite> PutAutomationAsync(Automation automation, string? ifMatch);

    /// <summary>Deletes one automation when <paramref name="ifMatch"/> admits it (as for <see cref="PutAutomationAsync"/>).</summary>
    [Alias("DeleteAutomation")]
    Task<AutomationWrite> DeleteAutomationAsync(string id, string? ifMatch);
}

/// <summary>What a change was refused for; empty when it was applied.</summary>
[GenerateSerializer, Immutable, Alias("relay.validation-result")]
public sealed record ValidationResult([property: Id(0)] ImmutableArray<string> Errors)
{
    /// <summary>The change was applied.</summary>
    public static ValidationResult Ok { get; } = new(ImmutableArray<string>.Empty);

    /// <summary>Whether the change was applied.</summary>
    public bool IsValid => Errors.IsDefaultOrEmpty;

    /// <summary>A refusal with the given reasons.</summary>
    public static ValidationResult Fail(IEnumerable<string> errors) => new([.. errors]);
}
