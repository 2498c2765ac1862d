using Relay.Access;
using Relay.Hosting;
using Relay.Tenants;

namespace Relay.Web.Hosting;

/// <summary>A credential the demo tenant is given in Development, section <c>Relay:Demo:Credentials</c>, so the README's examples work as written.</summary>
public sealed class DemoCredential
{
    /// <summary>Who uses it.</summary>
    public string Name { get; set; } = "";

    /// <summary>The token (documented, hence for Development only).</summary>
    public string Token { get; set; } = "";

    /// <summary>Its scopes.</summary>
    public string[] Scopes { get; set; } = [];
}

/// <summary>
/// Creates the demo tenant and its automations at start-up (embedded default only), against the embedded emulator
/// when it runs, else against the in-memory CRM's demo data. In the Development environment only, it also gives
/// the tenant the documented credentials and signing secret of <c>Relay:Demo</c>: they are in the README, so
/// they must never open a tenant anywhere else.
/// </summary>
internal sealed class DemoTenantSeeder(IGrainFactory grains, IConfiguration configuration, IHostEnvironment environment, ILogger<DemoTenantSeeder> logger, EmbeddedEmulator? emulator = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = RelayOptions.From(configuration).Demo;
        var tenant = grains.GetGrain<ITenantGrain>(demo.TenantId);
        if (await tenant.GetConfigAsync() is null)
        {
            var (settings, automations) = emulator is not null
                ? emulator.DemoTenant()
                : (DemoData.Settings(new TenantCrmSettings($"memory://{demo.TenantId}")), DemoData.Automations);
            Check(await tenant.PutSettingsAsync(settings));
            Check(await tenant.PutAutomationsAsync(automations));
            logger.LogInformation("Demo tenant '{TenantId}' created with {Count} automations against {Crm}", demo.TenantId, automations.Length, settings.Crm.BaseUrl);
        }

        var credentials = configuration.GetSection("Relay:Demo:Credentials").Get<DemoCredential[]>() ?? [];
        var signingSecret = configuration["Relay:Demo:SigningSecret"];
        if (credentials.Length == 0 && signingSecret is null)
        {
            return;
        }

        if (!environment.IsDevelopment())
        {
            logger.LogWarning("Relay:Demo:Credentials and Relay:Demo:SigningSecret are ignored outside the Development environment: they are published in the README.");
            return;
        }

        var access = grains.GetGrain<ITenantAccessGrain>(demo.TenantId);
        foreach (var credential in credentials)
        {
            var scopes = AccessScopeNames.Parse(credential.Scopes, out var unknown);
            Check(await access.AddCredentialAsync(credential.Name, scopes, credential.Token) is { Error: { } error } ? [error, .. unknown] : unknown);
        }

        if (signingSecret is not null)
        {
            Check(await access.AddSigningSecretAsync(signingSecret) is { Error: { } error } ? [error] : []);
        }

        logger.LogInformation("Demo tenant '{TenantId}' has the README's development credentials ({Count}) and signing secret", demo.TenantId, credentials.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Check(ValidationResult result) => Check(result.Errors);

    private static void Check(IReadOnlyCollection<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The demo tenant is invalid: " + string.Join("; ", errors));
        }
    }
}
