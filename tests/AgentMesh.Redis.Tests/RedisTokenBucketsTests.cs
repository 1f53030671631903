using AgentMesh.Redis.RateLimits;
using AgentMesh.TestKit.Services;

namespace AgentMesh.Redis.Tests;

public sealed class RedisTokenBucketsTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task TryTake_TwoConnections_DrawFromOneBudget()
    {
        await using var first = await Buckets.ConnectAsync(redis, _prefix);
        await using var second = await Buckets.ConnectAsync(redis, _prefix);

        var fromFirst = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            fromFirst.Add((await first.TakeAsync("tenant:acme", 1, 5))!.Value.Admitted);
        }

        var fromSecond = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            fromSecond.Add((await second.TakeAsync("tenant:acme", 1, 5))!.Value.Admitted);
        }

        Assert.Equal([true, true, true], fromFirst);
        Assert.Equal([true, true, false, false], fromSecond);
    }

    [Fact]
    public async Task TryTake_BucketEmpty_RefusesWithRetryAfterAndNoTokensLeft()
    {
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);

        var first = await buckets.TakeAsync("key:k1", 2, 2);
        var second = await buckets.TakeAsync("key:k1", 2, 2);
        var refused = await buckets.TakeAsync("key:k1", 2, 2);

        Assert.Equal((true, 1L), (first!.Value.Admitted, first.Value.Remaining));
        Assert.Equal((true, 0L), (second!.Value.Admitted, second.Value.Remaining));
        Assert.False(refused!.Value.Admitted);
        Assert.Equal(0, refused.Value.Remaining);
        Assert.InRange(refused.Value.RetryAfter, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task TryTake_AfterTheRetryAfter_AdmitsAgain()
    {
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);
        await buckets.TakeAsync("key:k2", 20, 1);
        var refused = await buckets.TakeAsync("key:k2", 20, 1);

        await Task.Delay(refused!.Value.RetryAfter + TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
        var again = await buckets.TakeAsync("key:k2", 20, 1);

        Assert.False(refused.Value.Admitted);
        Assert.True(again!.Value.Admitted);
    }

    [Fact]
    public async Task TryTake_OtherBucket_HasItsOwnBudget()
    {
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);
        await buckets.TakeAsync("tenant:a", 1, 1);

        var otherTenant = await buckets.TakeAsync("tenant:b", 1, 1);
        var sameTenant = await buckets.TakeAsync("tenant:a", 1, 1);

        Assert.True(otherTenant!.Value.Admitted);
        Assert.False(sameTenant!.Value.Admitted);
    }

    [Fact]
    public async Task TryTake_TwoBuckets_TakesFromBothInOneGo()
    {
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);

        var take = await buckets.TakeAsync(new SharedBucket("credential:k3", 10, 5), new SharedBucket("tenant:c", 10, 3));

        Assert.Equal(new SharedBucketAnswer(true, 4, TimeSpan.Zero), take!.Value.First);
        Assert.Equal(new SharedBucketAnswer(true, 2, TimeSpan.Zero), take.Value.Second);
    }

    [Fact]
    public async Task TryTake_FirstBucketRefuses_SecondIsNotCharged()
    {
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);
        await buckets.TakeAsync("credential:k4", 1, 1);

        var refused = await buckets.TakeAsync(new SharedBucket("credential:k4", 1, 1), new SharedBucket("tenant:d", 1, 1));
        var tenant = await buckets.TakeAsync("tenant:d", 1, 1);

        Assert.False(refused!.Value.First.Admitted);
        Assert.Null(refused.Value.Second);
        Assert.True(tenant!.Value.Admitted);
    }
}
