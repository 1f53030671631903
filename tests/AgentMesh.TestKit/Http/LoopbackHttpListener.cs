using System.Net;
using System.Net.Sockets;

namespace AgentMesh.TestKit.Http;

/// <summary>An HTTP endpoint on a random loopback port that hands each request, one at a time, to a handler until disposed.</summary>
public sealed class LoopbackHttpListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    /// <param name="path">The path prefix it answers under, starting and ending with <c>/</c>.</param>
    /// <param name="handle">Reads the request and writes and closes the response.</param>
    public LoopbackHttpListener(string path, Func<HttpListenerContext, Task> handle)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}{path}");
        }

        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(() => LoopAsync(handle));
    }

    public Uri Url { get; }

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
    }

    private async Task LoopAsync(Func<HttpListenerContext, Task> handle)
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

            await handle(context);
        }
    }
}
