using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentMesh.EndToEnd.Tests;

public sealed class BulkheadTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TenantWithEveryPermitAndQueuePlaceTaken_Gets429TenantBusy_WhileAnotherTenantIsServed()
    {
        await using var mesh = await MeshUnderTest.StartAsync(
            "--AgentMesh:RateLimits:Enabled", "false",
            "--AgentMesh:Bulkheads:PermitsPerTenant", "2",
            "--AgentMesh:Bulkheads:QueueLimitPerTenant", "1",
            "--AgentMesh:Bulkheads:MaxQueueWait", "00:00:30");
        var busy = await mesh.TenantAsync();
        var other = await mesh.TenantAsync();
        using var http = new HttpClient { BaseAddress = mesh.Url, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", mesh.AdminKey);

        // Three submissions whose bodies have not arrived yet: two hold the tenant's permits, one waits in its queue.
        var bodies = Enumerable.Range(0, 3).Select(static _ => new HeldBody()).ToList();
        var held = new List<Task<HttpResponseMessage>>();
        foreach (var body in bodies)
        {
            held.Add(http.PostAsync($"/v1/tenants/{busy}/tasks", body, Cancellation));
            await body.Started.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        }

        await Task.Delay(300, Cancellation);
        using var refused = await SubmitAsync(http, busy);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>(Cancellation);
        using var served = await SubmitAsync(http, other);
        var metrics = await http.GetStringAsync("/metrics", Cancellation);
        foreach (var body in bodies)
        {
            body.Release();
        }

        var answers = await Task.WhenAll(held);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("tenant_busy", (string)problem!["code"]!);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.Created, served.StatusCode);
        Assert.All(answers, static a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Contains($"agentmesh_bulkhead_rejections_total{{", metrics, StringComparison.Ordinal);
        Assert.Contains($"tenant=\"{busy}\"", metrics, StringComparison.Ordinal);
        using var afterwards = await SubmitAsync(http, busy);
        Assert.Equal(HttpStatusCode.Created, afterwards.StatusCode);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    private static Task<HttpResponseMessage> SubmitAsync(HttpClient http, string tenant) =>
        http.PostAsJsonAsync($"/v1/tenants/{tenant}/tasks", new { type = "echo", input = new { n = 1 }, requirements = new[] { new { capability = "echo" } } }, Cancellation);

    /// <summary>A submission body that sends its first byte at once and the rest only when released, so its request holds a permit meanwhile.</summary>
    private sealed class HeldBody : HttpContent
    {
        private static readonly byte[] Json = Encoding.UTF8.GetBytes("""{"type":"echo","input":{"n":1},"requirements":[{"capability":"echo"}]}""");
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBody() => Headers.ContentType = new("application/json");

        public Task Started => _started.Task;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Json.AsMemory(0, 1));
            await stream.FlushAsync();
            _started.TrySetResult();
            await _release.Task;
            await stream.WriteAsync(Json.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = Json.Length;
            return true;
        }
    }
}
