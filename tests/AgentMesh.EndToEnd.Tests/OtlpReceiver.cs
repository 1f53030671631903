using System.Collections.Concurrent;
using System.Net;
using AgentMesh.TestKit.Http;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>
/// An OTLP/HTTP endpoint on a random loopback port, like a collector: keeps the spans of every
/// <c>/v1/traces</c> export and answers every export (traces, metrics, logs) with success.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly LoopbackHttpListener _listener;
    private int _malformed;

    public OtlpReceiver() => _listener = new LoopbackHttpListener("/", AnswerAsync);

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>.</summary>
    public Uri Endpoint => _listener.Url;

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    /// <summary>Trace exports that could not be read; a test expects none.</summary>
    public int Malformed => Volatile.Read(ref _malformed);

    /// <summary>The environment that points a process's exporter here, exporting spans every 100 ms.</summary>
    public Dictionary<string, string> Environment(string service) => new(StringComparer.Ordinal)
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_SERVICE_NAME"] = service,
    };

    /// <summary>Polls the received spans until <paramref name="done"/> holds for them; fails with what arrived after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForAsync(Func<IReadOnlyList<OtlpSpan>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var spans = Spans.ToArray();
            if (done(spans))
            {
                return spans;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the spans did not arrive within {timeout}; received:\n"
                    + string.Join('\n', spans.Select(s => $"{s.Service} {s.Kind} '{s.Name}' {s.TraceId}/{s.SpanId} parent {s.ParentSpanId}")));
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public void Dispose() => _listener.Dispose();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        if (context.Request.Url?.AbsolutePath == "/v1/traces")
        {
            try
            {
                foreach (var span in OtlpTraceDecoder.Decode(body.GetBuffer().AsSpan(0, (int)body.Length)))
                {
                    Spans.Enqueue(span);
                }
            }
            catch (Exception exception) when (exception is InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                Interlocked.Increment(ref _malformed);
            }
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.Close();
    }
}
