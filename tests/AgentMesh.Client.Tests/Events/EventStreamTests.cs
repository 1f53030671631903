using System.Net;
using System.Text;
using AgentMesh.Client.Tests.Api;

namespace AgentMesh.Client.Tests.Events;

public class EventStreamTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StreamEventsAsync_DroppedStream_ReconnectsWithLastEventId()
    {
        var http = new StubHttp((_, call) => call switch
        {
            1 => Stream(Event(1) + Event(2), thenFail: true),
            _ => Stream(Event(2) + Event(3), thenFail: false),
        });
        using var client = http.Client();
        var sequences = new List<long>();

        await foreach (var meshEvent in client.StreamEventsAsync("acme", ["agentmesh.task.succeeded"], since: 0, Token))
        {
            sequences.Add(meshEvent.Sequence);
            if (sequences.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([1, 2, 3], sequences);
        var requests = http.Requests.ToArray();
        Assert.Equal("/v1/tenants/acme/events?types=agentmesh.task.succeeded&since=0", requests[0].PathAndQuery);
        Assert.Contains("Accept: text/event-stream", requests[0].Headers, StringComparison.Ordinal);
        Assert.DoesNotContain("Last-Event-ID", requests[0].Headers, StringComparison.Ordinal);
        Assert.Contains("Last-Event-ID: 2", requests[1].Headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamEventsAsync_ServerError_Reconnects()
    {
        var http = new StubHttp((_, call) => call == 1
            ? StubHttp.Json(HttpStatusCode.ServiceUnavailable, """{"code":"unavailable"}""")
            : Stream(Event(5), thenFail: false));
        using var client = http.Client();

        await foreach (var meshEvent in client.StreamEventsAsync("acme", cancellationToken: Token))
        {
            Assert.Equal(5, meshEvent.Sequence);
            break;
        }

        Assert.Equal(2, http.Requests.Count);
    }

    [Fact]
    public async Task StreamEventsAsync_Forbidden_Throws()
    {
        var http = new StubHttp((_, _) => StubHttp.Json(HttpStatusCode.Forbidden, """{"code":"forbidden"}"""));
        using var client = http.Client();

        var exception = await Assert.ThrowsAsync<AgentMeshApiException>(async () =>
        {
            await foreach (var unused in client.StreamEventsAsync("acme", cancellationToken: Token))
            {
            }
        });

        Assert.Equal("forbidden", exception.Code);
    }

    [Fact]
    public async Task WatchTaskAsync_StreamEnds_YieldsEventsThenCompletes()
    {
        var http = new StubHttp((_, _) => Stream(": hello\n\n" + Event(1) + Event(2), thenFail: false));
        using var client = http.Client();
        var sequences = new List<long>();

        await foreach (var meshEvent in client.WatchTaskAsync("acme", "019a", Token))
        {
            sequences.Add(meshEvent.Sequence);
        }

        Assert.Equal([1, 2], sequences);
        var request = Assert.Single(http.Requests);
        Assert.Equal("/v1/tenants/acme/tasks/019a/events", request.PathAndQuery);
        Assert.Contains("Accept: text/event-stream", request.Headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchTaskAsync_UnreadableData_SkipsIt()
    {
        var http = new StubHttp((_, _) => Stream("data: not json\n\n" + Event(1), thenFail: false));
        using var client = http.Client();
        var count = 0;

        await foreach (var unused in client.WatchTaskAsync("acme", "019a", Token))
        {
            count++;
        }

        Assert.Equal(1, count);
    }

    private static string Event(long sequence) =>
        $"id: {sequence}\nevent: agentmesh.task.succeeded\ndata: {{\"specversion\":\"1.0\",\"id\":\"e{sequence}\",\ndata: \"type\":\"agentmesh.task.succeeded\",\"sequence\":{sequence},\"data\":{{}}}}\n\n";

    private static HttpResponseMessage Stream(string text, bool thenFail) => new(HttpStatusCode.OK)
    {
        Content = new StreamContent(new ScriptedStream(Encoding.UTF8.GetBytes(text), thenFail))
        {
            Headers = { { "Content-Type", "text/event-stream" } },
        },
    };
}
