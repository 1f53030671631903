using System.Diagnostics;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Redis.Tests;

public sealed class RedisOutageTests
{
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task TryTake_RedisStopped_AnswersNullAtOnceAndSharedAgainAfterStart()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);
        Assert.NotNull(await buckets.TakeAsync("tenant:t", 10, 10));

        await redis.StopAsync();
        await Eventually.TrueAsync(() => !buckets.Connection.IsConnected, "the connection noticed the server stopped");
        var started = Stopwatch.GetTimestamp();
        var whileDown = await buckets.TakeAsync("tenant:t", 10, 10);
        var waited = Stopwatch.GetElapsedTime(started);
        var sharedWhileDown = buckets.Shared.IsShared;
        await redis.StartAsync();

        Assert.Null(whileDown);
        Assert.False(sharedWhileDown);
        Assert.True(waited < TimeSpan.FromMilliseconds(100), $"waited {waited.TotalMilliseconds} ms");
        await Eventually.TrueAsync(async () => await buckets.TakeAsync("tenant:t", 10, 10) is not null, "Redis decided again after it started");
        Assert.True(buckets.Shared.IsShared);
    }

    [Fact]
    public async Task TryTake_RedisFrozen_GivesUpAfterThePipelineTimeoutThenAtOnceAndSharedAgainAfterResume()
    {
        await using var redis = await RedisServer.StartNewAsync();

        // A window longer than the test, so that the answer before the freeze and the timeout after it open the breaker however slow the machine.
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix, static o => o.SamplingDuration = TimeSpan.FromSeconds(30));
        Assert.NotNull(await buckets.TakeAsync("tenant:t", 10, 10));

        redis.Pause();
        var started = Stopwatch.GetTimestamp();
        var frozen = await buckets.TakeAsync("tenant:t", 10, 10);
        var waited = Stopwatch.GetElapsedTime(started);
        var right = Stopwatch.GetTimestamp();
        var next = await buckets.TakeAsync("tenant:t", 10, 10);
        var waitedNext = Stopwatch.GetElapsedTime(right);
        redis.Resume();

        Assert.Null(frozen);
        Assert.InRange(waited, TimeSpan.FromMilliseconds(90), TimeSpan.FromMilliseconds(1000));
        Assert.Null(next);
        Assert.True(waitedNext < TimeSpan.FromMilliseconds(50), $"the second request waited {waitedNext.TotalMilliseconds} ms");
        await Eventually.TrueAsync(async () => await buckets.TakeAsync("tenant:t", 10, 10) is not null, "Redis decided again after it resumed");
        Assert.True(buckets.Shared.IsShared);
    }
}
