using System.Diagnostics;
using System.Net;
using AgentMesh.Resilience;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Redis.Tests;

[Collection(nameof(MetricsIsolation))]
public sealed class RedisBreakerTests
{
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task TryTake_RedisFrozen_BreakerOpensLetsExactlyOneTrialThroughWhenHalfOpenAndClosesOnceRedisAnswers()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix, static o =>
        {
            o.SamplingDuration = TimeSpan.FromSeconds(30);
            o.BreakDuration = TimeSpan.FromSeconds(1);
        });
        Assert.NotNull(await buckets.TakeAsync("tenant:t", 10, 10));

        redis.Pause();
        var timedOut = await buckets.TakeAsync("tenant:t", 10, 10);
        var afterTimeout = buckets.Breaker;
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var halfOpen = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => TimedTakeAsync(buckets)));
        var afterTrial = buckets.Breaker;
        redis.Resume();
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var answered = await buckets.TakeAsync("tenant:t", 10, 10);

        Assert.Null(timedOut);
        Assert.Equal(BreakerState.Open, afterTimeout);
        Assert.All(halfOpen, static take => Assert.Null(take.Answer));
        Assert.Single(halfOpen, static take => take.Waited >= TimeSpan.FromMilliseconds(90));
        Assert.Equal(BreakerState.Open, afterTrial);
        Assert.NotNull(answered);
        Assert.Equal(BreakerState.Closed, buckets.Breaker);
        Assert.True(buckets.Shared.IsShared);

        // Redis itself ran the script four times: before the freeze, the call that timed out, the one trial, and after.
        await Eventually.TrueAsync(async () => await buckets.ScriptCallsAsync() == 4, "Redis ran the script exactly four times");
    }

    [Fact]
    public async Task Request_RedisFrozen_BreakerOpenShowsInMetricsAndReadyWhileReady_ClosedOnceRedisAnswers()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await RedisNode.StartAsync(redis, _prefix);
        await node.GetAsAdminAsync("/v1/tenants");
        Assert.Equal(0, await node.MetricAsync("agentmesh_breaker_state", "dependency=\"Redis\""));

        redis.Pause();
        try
        {
            await RequestUntilBreakersReadAsync(node, "Redis open");
            var (status, checks) = await node.ReadyAsync();

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("degraded", (string?)checks["redis"]);
            Assert.Equal(1, await node.MetricAsync("agentmesh_breaker_state", "dependency=\"Redis\""));
            Assert.True(await node.MetricAsync("agentmesh_breaker_transitions_total", "dependency=\"Redis\"", "state=\"open\"") >= 1);
        }
        finally
        {
            redis.Resume();
        }

        await RequestUntilBreakersReadAsync(node, "closed");

        // The first pings after SIGCONT may still miss the 100 ms timeout while Redis works off what queued up meanwhile.
        await Eventually.TrueAsync(async () => (string?)(await node.ReadyAsync()).Checks["redis"] == "healthy", "Redis read as healthy again");
        Assert.Equal(HttpStatusCode.OK, (await node.ReadyAsync()).Status);
        Assert.Equal(0, await node.MetricAsync("agentmesh_breaker_state", "dependency=\"Redis\""));
        Assert.True(await node.MetricAsync("agentmesh_breaker_transitions_total", "dependency=\"Redis\"", "state=\"closed\"") >= 1);
    }

    [Fact]
    public async Task Request_RedisFrozen_WaitsTheTimeoutConfiguredUnderResilience()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var node = await RedisNode.StartAsync(redis, _prefix, settings: ["--AgentMesh:Resilience:Redis:Timeout", "00:00:00.800"]);
        await node.GetAnonymousAsync("/v1/tenants");

        redis.Pause();
        var started = Stopwatch.GetTimestamp();
        using var response = await node.GetAnonymousAsync("/v1/tenants");
        var waited = Stopwatch.GetElapsedTime(started);
        redis.Resume();

        // The default timeout (100 ms) would have answered long before; Redis's own (1 s here) only after.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.InRange(waited, TimeSpan.FromMilliseconds(750), TimeSpan.FromSeconds(3));
    }

    /// <summary>Sends requests until <c>/health/ready</c>'s <c>checks.breakers</c> reads <paramref name="breakers"/>.</summary>
    private static Task RequestUntilBreakersReadAsync(RedisNode node, string breakers) =>
        Eventually.TrueAsync(
            async () =>
            {
                await node.GetAnonymousAsync("/v1/tenants");
                return (string?)(await node.ReadyAsync()).Checks["breakers"] == breakers;
            },
            $"/health/ready read breakers: {breakers}");

    private static async Task<(RateLimits.SharedBucketAnswer? Answer, TimeSpan Waited)> TimedTakeAsync(Buckets buckets)
    {
        await Task.Yield();
        var started = Stopwatch.GetTimestamp();
        var answer = await buckets.TakeAsync("tenant:t", 10, 10);
        return (answer, Stopwatch.GetElapsedTime(started));
    }
}
