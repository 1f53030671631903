using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMesh.Events;

/// <summary>Writes a string that already holds JSON text as JSON (not as a string literal), and reads any JSON value back as its text.</summary>
public sealed class RawJsonTextConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteRawValue(value, skipInputValidation: true);
    }
}
