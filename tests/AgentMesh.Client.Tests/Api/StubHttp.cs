using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace AgentMesh.Client.Tests.Api;

/// <summary>Answers each request with what <see cref="Respond"/> returns and records what was sent.</summary>
internal sealed class StubHttp(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    private int _calls;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Func<HttpRequestMessage, int, HttpResponseMessage> Respond { get; } = respond;

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    public AgentMeshClient Client() =>
        new(new HttpClient(this) { BaseAddress = new Uri("http://node.test/") });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!.PathAndQuery, body, request.Headers.ToString()));
        return Respond(request, Interlocked.Increment(ref _calls));
    }
}
