using System.Globalization;
using System.Text.Json;
using AgentMesh.Cli.Output;
using AgentMesh.Client;

namespace AgentMesh.Cli.Tasks;

/// <summary>Turns <c>task submit</c>'s text options into the submission's values; a malformed one is bad usage.</summary>
internal static class SubmissionParts
{
    public static async Task<JsonElement> InputAsync(string? inline, string? file, CancellationToken cancellationToken)
    {
        if (inline is not null && file is not null)
        {
            throw new UsageException("pass --input or --input-file, not both.");
        }

        string text;
        string source;
        if (file is not null)
        {
            try
            {
                text = file == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(file, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--input-file '{file}' cannot be read: {exception.Message}", exception);
            }

            source = $"--input-file '{file}'";
        }
        else
        {
            text = inline ?? "null";
            source = "--input";
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new UsageException($"{source} is not JSON: {exception.Message}", exception);
        }
    }

    /// <summary><c>cap</c> or <c>cap:minLevel</c>; the level is 1 when left out.</summary>
    public static Requirement[]? Requirements(string[]? items) =>
        items is null or { Length: 0 } ? null :
        [
            .. items.Select(item =>
            {
                var parts = item.Split(':', 2);
                if (parts[0].Length == 0)
                {
                    throw new UsageException($"--require '{item}' must be capability or capability:minLevel.");
                }

                if (parts.Length == 1)
                {
                    return new Requirement(parts[0], 1);
                }

                return double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var level)
                    ? new Requirement(parts[0], level)
                    : throw new UsageException($"--require '{item}': the level '{parts[1]}' is not a number.");
            }),
        ];

    /// <summary><c>key=value</c> pairs.</summary>
    public static Dictionary<string, string>? Labels(string[]? items)
    {
        if (items is null or { Length: 0 })
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var at = item.IndexOf('=', StringComparison.Ordinal);
            if (at < 1)
            {
                throw new UsageException($"--label '{item}' must be key=value.");
            }

            labels[item[..at]] = item[(at + 1)..];
        }

        return labels;
    }

    /// <summary>An ISO 8601 time (<c>2026-11-24T10:00:00Z</c>) or a delay from now (<c>+30s</c>, <c>+5m</c>, <c>+2h</c>).</summary>
    public static DateTimeOffset? Deadline(string? text, TimeProvider time)
    {
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith('+') && text.Length > 2
            && int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? delay = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => null,
            };
            if (delay is { } value)
            {
                return time.GetUtcNow() + value;
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var deadline)
            ? deadline
            : throw new UsageException($"--deadline '{text}' is neither an ISO 8601 time nor a delay like +30s, +5m or +2h.");
    }
}
