using Microsoft.AspNetCore.Mvc;
using Relay.Tenants;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenant;

/// <summary>Edits a tenant's settings; secrets are write-only and the change is recorded in the admin log.</summary>
public sealed class SettingsModel : TenantConsolePageModel
{
    /// <summary>The settings as the form holds them.</summary>
    [BindProperty]
    public TenantForm Form { get; set; } = new();

    /// <summary>Why the change was refused.</summary>
    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>The stored tenant without its secrets: which secrets are set.</summary>
    public TenantResource Resource => TenantResource.From(Config);

    public void OnGet() => Form = TenantForm.From(Config.Settings);

    public async Task<IActionResult> OnPostAsync()
    {
        if (FormErrors() is { Count: > 0 } unreadable)
        {
            Errors = unreadable;
            return Page();
        }

        // The panels are not edited here and stay as they are.
        var settings = Form.ToSettings(Config.Settings.Panels);
        var grain = Grains.GetGrain<ITenantGrain>(Tenant);
        var result = await grain.PutSettingsAsync(settings);
        if (!result.IsValid)
        {
            Errors = [.. result.Errors];
            return Page();
        }

        await TenantsApi.RecordSettingsChangeAsync(Grains, Who, Config, (await grain.GetConfigAsync())!, settings);
        return DoneHere("", "Settings saved.");
    }
}
