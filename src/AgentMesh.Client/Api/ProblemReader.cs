using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AgentMesh.Client;

/// <summary>Turns an error answer into an <see cref="AgentMeshApiException"/>, tolerating bodies that are not problem documents.</summary>
internal static class ProblemReader
{
    private const int MaxDetailLength = 512;

    public static async Task<AgentMeshApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var headerRequestId = response.Headers.TryGetValues("X-Request-Id", out var values) ? values.FirstOrDefault() : null;
        return Parse(response.StatusCode, body, headerRequestId, RetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow));
    }

    /// <summary>The wait a <c>Retry-After</c> header asks for: its seconds, or the time until its date (never negative).</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    public static AgentMeshApiException Parse(HttpStatusCode status, string body, string? headerRequestId, TimeSpan? retryAfter = null)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return new AgentMeshApiException(
                    status,
                    String(root, "code"),
                    String(root, "title"),
                    String(root, "detail"),
                    Errors(root),
                    String(root, "requestId") ?? headerRequestId,
                    retryAfter);
            }
        }
        catch (JsonException)
        {
            // Not JSON: a proxy or a crashed node; keep the text as the detail.
        }

        var detail = string.IsNullOrWhiteSpace(body) ? null : body.Length > MaxDetailLength ? body[..MaxDetailLength] : body;
        return new AgentMeshApiException(status, code: null, title: null, detail, errors: null, headerRequestId, retryAfter);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, IReadOnlyList<string>>? Errors(JsonElement root)
    {
        if (!root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var field in errors.EnumerateObject())
        {
            map[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. field.Value.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : m.GetRawText())],
                JsonValueKind.String => [field.Value.GetString() ?? ""],
                _ => [field.Value.GetRawText()],
            };
        }

        return map;
    }
}
