using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AgentMesh.TestKit.Http;

/// <summary>A webhook endpoint on a random loopback port: records every delivery and can refuse them with 503.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly System.Threading.Channels.Channel<Delivery> _arrived = System.Threading.Channels.Channel.CreateUnbounded<Delivery>();
    private volatile bool _failing;
    private int _rejected;

    public WebhookReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hook/");
        }

        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

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
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _arrived.Writer.TryComplete();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (_failing)
            {
                Interlocked.Increment(ref _rejected);
                context.Response.StatusCode = 503;
                context.Response.Close();
                continue;
            }

            var delivery = new Delivery(context.Request.Headers["X-AgentMesh-Timestamp"], context.Request.Headers["X-AgentMesh-Signature"], body.ToArray());
            Deliveries.Enqueue(delivery);
            context.Response.StatusCode = 204;
            context.Response.Close();
            _arrived.Writer.TryWrite(delivery);
        }
    }

    /// <summary>One accepted request: its signature headers and raw body.</summary>
    public sealed record Delivery(string? Timestamp, string? Signature, byte[] Body);
}
