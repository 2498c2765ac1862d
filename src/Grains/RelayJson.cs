using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Triggers;

namespace Relay;

/// <summary>The JSON conventions of Relay's APIs: camelCase names and enums, trigger types by contract name.</summary>
public static class RelayJson
{
    /// <summary>Options for reading and writing API bodies.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies Relay's conventions to options owned by a host (e.g. ASP.NET Core's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new TriggerTypeJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return options;
    }
}
