using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentMesh.Server.Http;

/// <summary>
/// Reads a JSON body with source-generated metadata and turns every way it can be wrong into a problem
/// answer naming the field: wrong media type (415), too large (413), not JSON or a wrong type (400).
/// </summary>
internal static class JsonBody
{
    public static async ValueTask<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo, bool optional = false)
        where T : class
    {
        var request = http.Request;
        if (optional && request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return (null, null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, Problems.Make(http, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The body must be application/json."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, http.RequestAborted);
            if (value is null && !optional)
            {
                return (null, Problems.Invalid(http, "body", "is required."));
            }

            return (value, null);
        }
        catch (JsonException exception)
        {
            // The reader's own exception (a JsonException) inside means the text is not JSON at all; its path is only where reading stopped.
            var notJson = exception.InnerException is JsonException;
            var field = notJson ? "body" : FieldOf(exception.Path);
            var message = notJson ? "is not valid JSON." : "has the wrong JSON type or format.";
            return (null, Problems.Make(http, StatusCodes.Status400BadRequest, "malformed_json", $"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] }));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Make(http, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The request body is larger than the node accepts."));
        }
    }

    /// <summary><c>$.tasks[2].priority</c> → <c>tasks[2].priority</c>; the root is <c>body</c>.</summary>
    internal static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }
}
