using System.Net;

namespace AgentMesh.Client;

/// <summary>Which failures are worth another try: transport errors, timeouts, 408, 429 and 5xx.</summary>
internal static class TransientFailure
{
    public static bool Is(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or IOException => true,
        AgentMeshApiException api => (int)api.StatusCode >= 500
            || api.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };
}
