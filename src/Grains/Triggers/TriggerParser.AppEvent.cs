using System.Text.Json;

namespace Relay.Triggers;

/// <summary>Reads the <c>app.event</c> fields of trigger contract version 1: <c>eventName</c> and <c>properties</c>.</summary>
public static partial class TriggerParser
{
    /// <summary>The longest event name accepted (what automations match).</summary>
    public const int MaxEventNameLength = 128;

    /// <summary>The most properties one app event may carry.</summary>
    public const int MaxEventProperties = 50;

    /// <summary>The longest property name accepted.</summary>
    public const int MaxEventPropertyNameLength = 64;

    /// <summary>The longest property value accepted.</summary>
    public const int MaxEventPropertyValueLength = 500;

    /// <summary>
    /// An event name: 1–<see cref="MaxEventNameLength"/> characters, no control characters, no white space at either end
    /// (so that the name a producer sends and the name an automation waits for compare as they read).
    /// </summary>
    public static string? EventNameProblem(string? name) => name switch
    {
        null or { Length: 0 } => "required",
        { Length: > MaxEventNameLength } => $"longer than {MaxEventNameLength} characters ({name.Length})",
        _ when name.Any(char.IsControl) => "must not contain control characters",
        _ when char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]) => "must not start or end with white space",
        _ => null,
    };

    private static AppEventData? ReadAppEvent(JsonElement root, Reader r, List<TriggerError> errors)
    {
        string? name = null;
        if (!root.TryGetProperty("eventName", out var n) || n.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new("eventName", "required for app.event triggers: the app's name for the event, e.g. trial.started"));
        }
        else if (n.ValueKind != JsonValueKind.String)
        {
            errors.Add(new("eventName", $"must be a string, got {Describe(n.ValueKind)}"));
        }
        else if (EventNameProblem(n.GetString()) is { } problem)
        {
            errors.Add(new("eventName", problem));
        }
        else
        {
            name = n.GetString();
        }

        var properties = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var before = errors.Count;
        if (r.Object(root, "properties", "properties", required: false) is { } ps)
        {
            var count = 0;
            foreach (var p in ps.EnumerateObject())
            {
                if (++count > MaxEventProperties)
                {
                    errors.Add(new("properties", $"at most {MaxEventProperties} properties"));
                    break;
                }

                var path = $"properties.{Clip(p.Name)}";
                if (p.Name.Length is 0 or > MaxEventPropertyNameLength || p.Name.Any(char.IsControl))
                {
                    errors.Add(new(path, $"a property name must have 1–{MaxEventPropertyNameLength} characters and no control characters"));
                    continue;
                }

                // Flat: a value is a string; a number or boolean is kept as its JSON text, as form fields are.
                var value = FlatValue(p, path, " (properties are flat)", errors);
                if (value is { Length: > MaxEventPropertyValueLength })
                {
                    errors.Add(new(path, $"longer than {MaxEventPropertyValueLength} characters"));
                }
                else if (value is not null && !properties.TryAdd(p.Name, value))
                {
                    errors.Add(new(path, "given more than once"));
                }
            }
        }

        return name is null || errors.Count > before ? null : new AppEventData(name, properties.ToImmutable());
    }
}
