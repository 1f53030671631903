using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AgentMesh.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Benchmarks;

/// <summary>
/// A webhook receiver on a loopback port, as an operator would run one: it checks each alert's signature and hands
/// the action of every valid one to <see cref="NextActionAsync"/>; an unsigned or wrongly signed alert is refused
/// with 401 and never seen by the benchmark.
/// </summary>
internal sealed class AlertReceiver : IAsyncDisposable
{
    private readonly Channel<string> _actions = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WebApplication _app;
    private readonly string _secret;

    private AlertReceiver(WebApplication app, string secret)
    {
        _app = app;
        _secret = secret;
    }

    public Uri Url { get; private set; } = null!;

    public static async Task<AlertReceiver> StartAsync(string secret, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var receiver = new AlertReceiver(builder.Build(), secret);
        receiver._app.MapPost("/alerts", receiver.AnswerAsync);
        await receiver._app.StartAsync(cancellationToken);
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = new Uri($"{address}/alerts");
        return receiver;
    }

    /// <summary>The <c>entry.action</c> of the next validly signed alert not yet returned.</summary>
    public async Task<string> NextActionAsync(TimeSpan timeout) => await _actions.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        _actions.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> AnswerAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        var timestamp = request.Headers[WebhookSink.TimestampHeader].ToString();
        var signature = request.Headers[WebhookSink.SignatureHeader].ToString();
        if (timestamp.Length == 0
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(WebhookSink.Sign(_secret, timestamp, bytes)), Encoding.ASCII.GetBytes(signature)))
        {
            return Results.Unauthorized();
        }

        using var alert = JsonDocument.Parse(bytes);
        _actions.Writer.TryWrite(alert.RootElement.GetProperty("entry").GetProperty("action").GetString() ?? "");
        return Results.NoContent();
    }
}
