using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AgentMesh.EndToEnd.Tests;

/// <summary>
/// Submitters that keep posting echo tasks to one tenant until stopped, and remember what each answer was: the ids
/// acknowledged with 201, every other status with how long it took and whether it carried <c>Retry-After</c>.
/// </summary>
internal sealed class SubmitWorkload : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly string _tenant;
    private readonly int? _maxAttempts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _submitters;
    private int _sequence;

    /// <summary>Starts <paramref name="submitters"/> loops; each task gets <paramref name="maxAttempts"/>, or the node's default.</summary>
    public SubmitWorkload(HttpClient http, string tenant, int submitters, int? maxAttempts = null)
    {
        _http = http;
        _tenant = tenant;
        _maxAttempts = maxAttempts;
        _submitters = [.. Enumerable.Range(0, submitters).Select(_ => Task.Run(SubmitLoopAsync))];
    }

    public ConcurrentQueue<string> Acknowledged { get; } = new();

    public ConcurrentQueue<Refusal> Refusals { get; } = new();

    /// <summary>Waits until <paramref name="count"/> more tasks than now are acknowledged, or fails after <paramref name="within"/>.</summary>
    public async Task WaitForMoreAsync(int count, TimeSpan within)
    {
        var target = Acknowledged.Count + count;
        var deadline = Stopwatch.StartNew();
        while (Acknowledged.Count < target)
        {
            Assert.True(deadline.Elapsed < within, $"only {Acknowledged.Count} of {target} tasks acknowledged after {within.TotalSeconds} s; refusals: {Refusals.Count}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_submitters).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task SubmitLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _sequence);
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await _http.PostAsJsonAsync(
                    $"/v1/tenants/{_tenant}/tasks",
                    new { type = "echo", input = new { n }, requirements = new[] { new { capability = "echo" } }, timeout = 5, maxAttempts = _maxAttempts },
                    _stop.Token);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Acknowledged.Enqueue((string)(await response.Content.ReadFromJsonAsync<JsonObject>(_stop.Token))!["id"]!);
                    continue;
                }

                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                Refusals.Enqueue(new Refusal((int)response.StatusCode, response.Headers.RetryAfter is not null, Stopwatch.GetElapsedTime(started), DateTime.UtcNow, body));
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>An answer other than 201.</summary>
    public sealed record Refusal(int Status, bool RetryAfter, TimeSpan Took, DateTime At, string Body);
}
