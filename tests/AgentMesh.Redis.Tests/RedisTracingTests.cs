using System.Collections.Concurrent;
using System.Diagnostics;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Redis.Tests;

public sealed class RedisTracingTests
{
    [Fact]
    public async Task Tracing_RateLimitedRequest_RecordsAClientSpanForItsRedisCommand()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "OpenTelemetry.Instrumentation.StackExchangeRedis",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var node = await RedisNode.StartAsync(redis, "test-" + Guid.NewGuid().ToString("N")[..8] + ":", settings: ["--AgentMesh:Telemetry:Tracing", "true"]);

        await node.GetAsAdminAsync("/v1/tenants");
        var until = DateTime.UtcNow.AddSeconds(15);
        while (!spans.Any(IsScript) && DateTime.UtcNow < until)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var span = Assert.Single(spans.Where(IsScript).Take(1));
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("redis", span.GetTagItem("db.system") ?? span.GetTagItem("db.system.name"));
    }

    private static bool IsScript(Activity span) => span.DisplayName.StartsWith("EVAL", StringComparison.Ordinal);
}
