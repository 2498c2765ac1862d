using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Relay.Leads;
using Relay.Triggers;

namespace Relay.Web.Panels;

/// <summary>What every panel page has: its tenant, the verified SuperOffice user, and a message after a decision.</summary>
public abstract class PanelPageModel : PageModel
{
    /// <summary>The tenant in the URL; the gate has checked that the session is for it.</summary>
    [FromRoute(Name = "tenant")]
    public string Tenant { get; set; } = "";

    /// <summary>What the last decision came to, shown once above the page.</summary>
    [FromQuery(Name = "message")]
    public string? Message { get; set; }

    /// <summary>The verified user.</summary>
    public PanelSession Session => (PanelSession)HttpContext.Items[PanelGate.SessionItem]!;

    /// <summary>The user as the one who decides about leads.</summary>
    public SalesUser By => new(Session.AssociateId, Session.Name);

    /// <summary>Back to a page of the same panel with a message, so a reload does not send the form again.</summary>
    protected IActionResult Done(string path, string message) =>
        Redirect($"/panels/{Uri.EscapeDataString(Tenant)}/{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}message={Uri.EscapeDataString(message.Length > 300 ? message[..300] : message)}");

    /// <summary>A trigger type in words.</summary>
    public static string Describe(TriggerType type) => type switch
    {
        TriggerType.EmailOpened => "Opened an e-mail",
        TriggerType.EmailClicked => "Clicked a link in an e-mail",
        TriggerType.FormSubmitted => "Submitted a form",
        TriggerType.SmsClicked => "Clicked a link in an SMS",
        TriggerType.LandingPageVisited => "Visited a landing page",
        TriggerType.ConsentChanged => "Changed consent",
        TriggerType.AppEvent => "Used an app",
        _ => type.ToString(),
    };

    /// <summary>What happened, with the app's event name when the app named one.</summary>
    public static string Describe(TriggerType type, string? eventName) =>
        eventName is null ? Describe(type) : $"{Describe(type)}: {eventName}";

    /// <summary>A time as the panels show it.</summary>
    public static string When(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
