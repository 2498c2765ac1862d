using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relay.Tenants;
using Relay.Web.Admin;
using Relay.Web.Console;

namespace Relay.Web.Pages.Console.Tenants;

/// <summary>Creates a tenant: the operator's only. The settings go through the tenant grain's own validation and the admin log.</summary>
public sealed class NewModel(IGrainFactory grains) : ConsolePageModel
{
    /// <summary>The new tenant's id.</summary>
    [BindProperty]
    public string? TenantId { get; set; }

    /// <summary>Its settings.</summary>
    [BindProperty]
    public TenantForm Form { get; set; } = new();

    /// <summary>Why the tenant was not created.</summary>
    public IReadOnlyList<string> Errors { get; private set; } = [];

    public IActionResult OnGet() => ConsoleUser.IsOperator(User) ? Page() : NotOperator();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ConsoleUser.IsOperator(User))
        {
            return NotOperator();
        }

        if (FormErrors() is { Count: > 0 } unreadable)
        {
            return Refused([.. unreadable]);
        }

        var id = TenantId?.Trim() ?? "";
        if (!TenantRules.IsValidTenantId(id) || id == "new")
        {
            return Refused($"'{id}' is not a tenant id: use 2–63 lowercase letters, digits and dashes (and not 'new').");
        }

        var grain = grains.GetGrain<ITenantGrain>(id);
        if (await grain.GetConfigAsync() is not null)
        {
            return Refused($"Tenant '{id}' exists already; change it on its settings page.");
        }

        var settings = Form.ToSettings(panels: null);
        var result = await grain.PutSettingsAsync(settings);
        if (!result.IsValid)
        {
            return Refused([.. result.Errors]);
        }

        await TenantsApi.RecordSettingsChangeAsync(grains, Who, null, (await grain.GetConfigAsync())!, settings);
        return Done($"/admin/tenants/{Uri.EscapeDataString(id)}", $"Tenant {id} created. Test its connection below.");
    }

    private PageResult Refused(params string[] errors)
    {
        Errors = errors;
        return Page();
    }

    private ContentResult NotOperator() => new()
    {
        StatusCode = StatusCodes.Status403Forbidden,
        ContentType = "text/html; charset=utf-8",
        Content = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not allowed</title><link rel=\"stylesheet\" href=\"/console.css\"></head><body class=\"console\"><main><h1>Only the operator creates tenants</h1><p><a href=\"/admin/tenants\">Tenants</a></p></main></body></html>",
    };
}
