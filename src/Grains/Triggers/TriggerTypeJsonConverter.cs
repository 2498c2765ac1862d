using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Triggers;

/// <summary>Writes and reads <see cref="TriggerType"/> by its contract name, e.g. <c>email.clicked</c>.</summary>
public sealed class TriggerTypeJsonConverter : JsonConverter<TriggerType>
{
    public override TriggerType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return TriggerTypes.TryParse(name, out var type)
            ? type
            : throw new JsonException($"unknown trigger type '{name}'; expected one of {string.Join(", ", TriggerTypes.Names)}");
    }

    public override void Write(Utf8JsonWriter writer, TriggerType value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToName());
}
