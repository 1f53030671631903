using System.Text.Json;

namespace AgentMesh.Server.Http;

/// <summary>A 200 JSON answer written directly with a <see cref="Utf8JsonWriter"/>, for documents whose shape is shared with files (audit entries).</summary>
internal sealed class JsonWriterResult(Action<Utf8JsonWriter> write) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(httpContext.Response.BodyWriter);
        write(json);
        await json.FlushAsync(httpContext.RequestAborted);
    }
}
