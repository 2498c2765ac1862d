using Relay.Triggers;

namespace Relay.Tests.Support;

/// <summary>Short ways to make triggers and automations in tests.</summary>
public static class Build
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A unique id with a readable prefix.</summary>
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>A unique e-mail address nobody else in the shared CRM has.</summary>
    public static string Email() => $"{Guid.NewGuid():N}@example.com";

    /// <summary>A trigger of the given type for a contact.</summary>
    public static Trigger Trigger(
        TriggerType type,
        string contactId,
        string? email = null,
        string? id = null,
        string? linkUrl = null,
        string? formId = null,
        string? contentId = null,
        int? crmPersonId = null,
        int second = 0) =>
        new(
            id ?? Id("evt"),
            type,
            Epoch.AddSeconds(second),
            new ContactFields(contactId, email, "Ann", "Berg", "CFO", "+46 8 123 45", "+46 70 123 45 67", crmPersonId, new CompanyFields("Berg AB", "SE", "Customer", "Retail")),
            contentId is null ? null : new ContentRef(contentId, "Newsletter " + contentId),
            linkUrl ?? (type.HasLink() ? "https://example.com/pricing" : null),
            formId is null && type != TriggerType.FormSubmitted ? null : new FormSubmission(formId ?? "form-demo", ImmutableDictionary<string, string>.Empty.Add("message", "Call me")),
            type == TriggerType.ConsentChanged ? new ConsentChange("email-marketing", "consent", true) : null);

    /// <summary>An automation that runs the actions on every trigger of the type.</summary>
    public static Automation Automation(TriggerType type, params AutomationAction[] actions) =>
        new(Id("auto"), null, new AutomationMatch(type), [.. actions]);
}
