using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Client.Tests.Llm;

/// <summary>An OpenAI-compatible chat endpoint on 127.0.0.1, answering each call as <see cref="Answer"/> says.</summary>
internal sealed class FakeModel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private int _calls;

    private FakeModel(WebApplication app) => _app = app;

    /// <summary>What to answer to the n-th call (1 for the first); a completion by default.</summary>
    public Func<int, ModelAnswer> Answer { get; set; } = static _ => ModelAnswer.Completion("hello from the model", 12, 5);

    /// <summary>Calls that reached the endpoint.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>What to give the agent as <c>Llm:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeModel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var model = new FakeModel(app);
        app.MapPost("/v1/chat/completions", model.AnswerAsync);
        await app.StartAsync();
        var address = app.Urls.Single();
        model.BaseUrl = new Uri(address + "/v1");
        return model;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var call = Interlocked.Increment(ref _calls);
        using var reader = new StreamReader(context.Request.Body);
        Requests.Enqueue(await reader.ReadToEndAsync(context.RequestAborted));
        var answer = Answer(call);
        if (answer.Hang)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, both.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
