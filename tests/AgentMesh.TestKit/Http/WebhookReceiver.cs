using System.Collections.Concurrent;
using System.Net;

namespace AgentMesh.TestKit.Http;

/// <summary>A webhook endpoint on a random loopback port: records every delivery and can refuse them with 503.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly LoopbackHttpListener _listener;
    private readonly System.Threading.Channels.Channel<Delivery> _arrived = System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
    private volatile bool _failing;
    private int _rejected;

    public WebhookReceiver() => _listener = new LoopbackHttpListener("/hook/", AnswerAsync);

    public Uri Url => _listener.Url;

    /// <summary>While true, deliveries are answered 503 and not recorded.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public int Rejected => Volatile.Read(ref _rejected);

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    /// <summary>Waits for the next accepted delivery not yet returned by this method.</summary>
    public async Task<Delivery> NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        return await _arrived.Reader.ReadAsync(deadline.Token);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _arrived.Writer.TryComplete();
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        if (_failing)
        {
            Interlocked.Increment(ref _rejected);
            context.Response.StatusCode = 503;
            context.Response.Close();
            return;
        }

        var delivery = new Delivery(context.Request.Headers["X-AgentMesh-Timestamp"], context.Request.Headers["X-AgentMesh-Signature"], body.ToArray());
        Deliveries.Enqueue(delivery);
        context.Response.StatusCode = 204;
        context.Response.Close();
        _arrived.Writer.TryWrite(delivery);
    }

    /// <summary>One accepted request: its signature headers and raw body.</summary>
    public sealed record Delivery(string? Timestamp, string? Signature, byte[] Body);
}
