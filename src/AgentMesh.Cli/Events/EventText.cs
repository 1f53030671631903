using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentMesh.Cli.Output;
using AgentMesh.Client;

namespace AgentMesh.Cli.Events;

/// <summary>One event as one line for people: time, short type, subject and what changed.</summary>
internal static class EventText
{
    private const string Prefix = "agentmesh.";

    public static string ShortType(string type) => type.StartsWith(Prefix, StringComparison.Ordinal) ? type[Prefix.Length..] : type;

    /// <summary>The full type name for a short one (<c>task.succeeded</c> → <c>agentmesh.task.succeeded</c>).</summary>
    public static string FullType(string type) => type.StartsWith(Prefix, StringComparison.Ordinal) ? type : Prefix + type;

    public static string Line(MeshEvent meshEvent, bool withSubject)
    {
        var line = new StringBuilder()
            .Append(Format.Clock(meshEvent.Time)).Append("  ")
            .Append(CultureInfo.InvariantCulture, $"#{meshEvent.Sequence,-7} ")
            .Append(ShortType(meshEvent.Type).PadRight(24));
        if (withSubject && meshEvent.Subject is { } subject)
        {
            line.Append(subject).Append("  ");
        }

        return line.Append(Details(meshEvent.Data, meshEvent.Type)).ToString().TrimEnd();
    }

    /// <summary>The interesting fields of an event's data, as <c>name=value</c> pairs; progress and errors only on the events about them.</summary>
    public static string Details(JsonElement data, string type)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        var parts = new List<string>();
        Add(parts, data, "type", null);
        Add(parts, data, "status", null);
        Add(parts, data, "attempt", "attempt");
        Add(parts, data, "agentId", "agent");
        Add(parts, data, "priority", "priority");
        if (type.EndsWith(".progress", StringComparison.Ordinal) && data.TryGetProperty("progress", out var progress) && progress.ValueKind == JsonValueKind.Object)
        {
            var percent = progress.TryGetProperty("percent", out var p) && p.TryGetDouble(out var value) ? value.ToString("0", CultureInfo.InvariantCulture) + "%" : "";
            var message = progress.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? " " + m.GetString() : "";
            parts.Add($"progress={percent}{message}");
        }

        var aboutFailure = type.Contains("fail", StringComparison.Ordinal) || type.Contains("dead_lettered", StringComparison.Ordinal) || type.Contains("expired", StringComparison.Ordinal);
        if (aboutFailure && data.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
            var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
            parts.Add($"error={code}: {message}");
        }

        Add(parts, data, "reason", "reason");
        if (data.TryGetProperty("nextAttemptAt", out var next) && next.ValueKind == JsonValueKind.String && next.TryGetDateTimeOffset(out var at))
        {
            parts.Add($"retry at {Format.Clock(at)}");
        }

        Add(parts, data, "name", "name");
        Add(parts, data, "keyId", "key");
        return string.Join("  ", parts);
    }

    private static void Add(List<string> parts, JsonElement data, string property, string? label)
    {
        if (!data.TryGetProperty(property, out var value))
        {
            return;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
        if (!string.IsNullOrEmpty(text))
        {
            parts.Add(label is null ? text : $"{label}={text}");
        }
    }
}
