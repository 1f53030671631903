using System.Buffers;
using System.Text.Json;

namespace AgentMesh.Cli.Demo;

/// <summary>The small, real work the demo agents do: summarize, translate, echo.</summary>
internal static class DemoWork
{
    private static readonly Dictionary<string, Dictionary<string, string>> Dictionaries = new(StringComparer.Ordinal)
    {
        ["fr"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["hello"] = "bonjour", ["world"] = "monde", ["the"] = "le", ["task"] = "tâche", ["tasks"] = "tâches", ["agent"] = "agent",
            ["agents"] = "agents", ["is"] = "est", ["are"] = "sont", ["good"] = "bon", ["day"] = "jour", ["fast"] = "rapide",
            ["and"] = "et", ["work"] = "travail", ["every"] = "chaque", ["small"] = "petit", ["message"] = "message",
        },
        ["de"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["hello"] = "hallo", ["world"] = "Welt", ["the"] = "die", ["task"] = "Aufgabe", ["tasks"] = "Aufgaben", ["agent"] = "Agent",
            ["agents"] = "Agenten", ["is"] = "ist", ["are"] = "sind", ["good"] = "gut", ["day"] = "Tag", ["fast"] = "schnell",
            ["and"] = "und", ["work"] = "Arbeit", ["every"] = "jeder", ["small"] = "klein", ["message"] = "Nachricht",
        },
    };

    /// <summary>The first sentence and the word count of <c>text</c>.</summary>
    public static JsonElement Summarize(JsonElement input, string agentId)
    {
        var text = Text(input);
        var end = text.IndexOfAny(['.', '!', '?']);
        var summary = end < 0 ? text : text[..(end + 1)];
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return Json(writer =>
        {
            writer.WriteString("summary", summary.Trim());
            writer.WriteNumber("words", words);
            writer.WriteString("by", agentId);
        });
    }

    /// <summary>Word by word through a tiny dictionary (<c>to</c>: <c>fr</c> or <c>de</c>), or the words reversed (<c>to</c>: <c>reverse</c>).</summary>
    public static JsonElement Translate(JsonElement input, string agentId)
    {
        var text = Text(input);
        var to = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("to", out var target) && target.ValueKind == JsonValueKind.String
            ? target.GetString()! : "reverse";
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var known = 0;
        string translated;
        if (Dictionaries.TryGetValue(to, out var dictionary))
        {
            translated = string.Join(' ', words.Select(word =>
            {
                var bare = word.TrimEnd('.', ',', '!', '?');
                if (!dictionary.TryGetValue(bare, out var mapped))
                {
                    return word;
                }

                known++;
                return mapped + word[bare.Length..];
            }));
        }
        else
        {
            translated = string.Join(' ', words.Reverse());
            known = words.Length;
        }

        return Json(writer =>
        {
            writer.WriteString("to", to);
            writer.WriteString("text", translated);
            writer.WriteNumber("wordsTranslated", known);
            writer.WriteString("by", agentId);
        });
    }

    public static JsonElement Json(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static string Text(JsonElement input) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()!
            : input.ValueKind == JsonValueKind.String ? input.GetString()! : "";
}
