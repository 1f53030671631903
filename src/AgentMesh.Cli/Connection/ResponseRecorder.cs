using System.Net.Http.Headers;

namespace AgentMesh.Cli.Connection;

/// <summary>
/// Keeps the body of the last JSON answer, buffered as it came, so <c>--json</c> prints exactly what the node sent
/// rather than a re-serialized copy. Event streams pass through untouched.
/// </summary>
internal sealed class ResponseRecorder : DelegatingHandler
{
    private byte[]? _last;

    /// <summary>The body of the last JSON answer; empty when there was none.</summary>
    public ReadOnlyMemory<byte> LastJson => Volatile.Read(ref _last);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (IsJson(response.Content.Headers.ContentType))
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            Volatile.Write(ref _last, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        return response;
    }

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media && (media.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
