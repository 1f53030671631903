using System.Text;
using System.Text.Json;

namespace AgentMesh.Audit;

/// <summary>How stores keep an entry's details in one text column: a JSON object, keys in ordinal order.</summary>
public static class AuditDetailsText
{
    public static string Write(IReadOnlyDictionary<string, string> details)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in details.OrderBy(static d => d.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyDictionary<string, string> Parse(string json)
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
