namespace Relay.Triggers;

/// <summary>The wire names of <see cref="TriggerType"/> in trigger contract version 1.</summary>
public static class TriggerTypes
{
    private static readonly ImmutableDictionary<string, TriggerType> ByName = new Dictionary<string, TriggerType>(StringComparer.Ordinal)
    {
        ["email.opened"] = TriggerType.EmailOpened,
        ["email.clicked"] = TriggerType.EmailClicked,
        ["form.submitted"] = TriggerType.FormSubmitted,
        ["sms.clicked"] = TriggerType.SmsClicked,
        ["landingpage.visited"] = TriggerType.LandingPageVisited,
        ["consent.changed"] = TriggerType.ConsentChanged,
        ["app.event"] = TriggerType.AppEvent,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>Every wire name, in contract order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.OrderBy(p => p.Value).Select(p => p.Key)];

    /// <summary>Reads a wire name; names are case-sensitive, as the contract writes them.</summary>
    public static bool TryParse(string? name, out TriggerType type) => ByName.TryGetValue(name ?? "", out type);

    /// <summary>The wire name of a type.</summary>
    public static string ToName(this TriggerType type) => type switch
    {
        TriggerType.EmailOpened => "email.opened",
        TriggerType.EmailClicked => "email.clicked",
        TriggerType.FormSubmitted => "form.submitted",
        TriggerType.SmsClicked => "sms.clicked",
        TriggerType.LandingPageVisited => "landingpage.visited",
        TriggerType.ConsentChanged => "consent.changed",
        TriggerType.AppEvent => "app.event",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Whether triggers of this type carry a link URL.</summary>
    public static bool HasLink(this TriggerType type) => type is TriggerType.EmailClicked or TriggerType.SmsClicked;
}
