using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relay.Admin;
using Relay.Tenants;

namespace Relay.Web.Console;

/// <summary>
/// What every console page has: the signed-in user, and a message after a change, shown once. Pages of one tenant
/// derive from <see cref="TenantConsolePageModel"/>.
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    /// <summary>What the last change came to, shown once above the page.</summary>
    [FromQuery(Name = "message")]
    public string? Message { get; set; }

    /// <summary>Who is signed in, as the admin log records them.</summary>
    public string Who => ConsoleUser.Who(User);

    /// <summary>Back to a console page with a message, so a reload does not send the form again.</summary>
    protected RedirectResult Done(string path, string message) =>
        Redirect($"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}message={Uri.EscapeDataString(message.Length > 300 ? message[..300] : message)}");

    /// <summary>
    /// What the form binder could not read (a number left empty or not a number), as "field: problem". A form with any
    /// is refused whole, so a field that did not bind never saves its default over the stored value.
    /// </summary>
    protected IReadOnlyList<string> FormErrors() =>
        [.. ModelState
            .Where(e => e.Value?.ValidationState == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
            .SelectMany(e => e.Value!.Errors.Select(x => $"{e.Key}: {(string.IsNullOrEmpty(x.ErrorMessage) ? "not a valid value" : x.ErrorMessage)}"))];

    /// <summary>A time as the console shows it.</summary>
    public static string When(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A console page of one tenant (<c>/admin/tenants/{tenant}/…</c>): the tenant's configuration is loaded before any
/// handler runs, and an unknown tenant gets a 404 page. Authorization (the route's tenant, the <c>admin</c> scope)
/// has run before this.
/// </summary>
public abstract class TenantConsolePageModel : ConsolePageModel
{
    /// <summary>The tenant in the URL.</summary>
    [FromRoute(Name = "tenant")]
    public string Tenant { get; set; } = "";

    /// <summary>The tenant's configuration as it was when the request came in.</summary>
    public TenantConfig Config { get; private set; } = null!;

    /// <summary>The grains.</summary>
    protected IGrainFactory Grains => HttpContext.RequestServices.GetRequiredService<IGrainFactory>();

    /// <summary>The tenant's admin log.</summary>
    protected IAdminLogGrain AdminLog => Grains.GetGrain<IAdminLogGrain>(Tenant);

    /// <summary>Back to a page of this tenant (<paramref name="path"/> relative to <c>/admin/tenants/{tenant}/</c>) with a message.</summary>
    protected RedirectResult DoneHere(string path, string message) =>
        Done($"/admin/tenants/{Uri.EscapeDataString(Tenant)}/{path}", message);

    /// <summary>Records a change in the tenant's admin log, as the signed-in user.</summary>
    protected Task<AdminLogEntry> RecordAsync(string area, string subject, string action, object? before = null, object? after = null, string? detail = null) =>
        AdminLog.RecordAsync(new AdminChange(area, subject, action, Who, ToJson(before), ToJson(after), detail));

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!TenantRules.IsValidTenantId(Tenant) || await Grains.GetGrain<ITenantGrain>(Tenant).GetConfigAsync() is not { } config)
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status404NotFound,
                ContentType = "text/html; charset=utf-8",
                Content = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Unknown tenant</title><link rel=\"stylesheet\" href=\"/console.css\"></head><body class=\"console\"><main><h1>Unknown tenant</h1><p>Relay has no tenant {System.Text.Encodings.Web.HtmlEncoder.Default.Encode(Tenant)}. <a href=\"/admin/tenants\">All tenants</a></p></main></body></html>",
            };
            return;
        }

        Config = config;
        ViewData["Tenant"] = Tenant;
        await next();
    }

    private static string? ToJson(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => JsonSerializer.Serialize(value, RelayJson.Options),
    };
}
