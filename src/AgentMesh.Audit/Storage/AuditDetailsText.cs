using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>How stores keep an entry's details in one text column: a JSON object, keys in ordinal order.</summary>
public static class AuditDetailsText
{
    public static string Write(IReadOnlyDictionary<string, string> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (details.Count == 0)
        {
            return "{}";
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            var keys = details.Keys.ToArray();
            Array.Sort(keys, StringComparer.Ordinal);
            foreach (var key in keys)
            {
                json.WriteString(key, details[key]);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The details in <paramref name="json"/>, in the order stored. A value that is not a string keeps its JSON text; text
    /// that is not a JSON object comes back whole under <c>&lt;unreadable&gt;</c>, so the entry's hash fails instead of the read.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            var details = new Dictionary<string, string>(StringComparer.Ordinal);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                    {
                        return ParseDocument(json);
                    }

                    details[name] = reader.GetString()!;
                }

                if (reader.TokenType == JsonTokenType.EndObject && !reader.Read())
                {
                    return details;
                }
            }

            return ParseDocument(json);
        }
        catch (JsonException)
        {
            return ParseDocument(json);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Dictionary<string, string> ParseDocument(string json)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                details[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }
        catch (JsonException)
        {
            details["<unreadable>"] = json;
        }

        return details;
    }
}
