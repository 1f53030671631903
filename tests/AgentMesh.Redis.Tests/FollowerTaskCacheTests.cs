using AgentMesh.Caching;
using AgentMesh.Redis.Caching;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.TestKit.Services;
using AgentMesh.TestKit.Storage;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AgentMesh.Redis.Tests;

/// <summary>
/// Task reads as a cluster follower makes them (<see cref="FinishedTaskCache.GetFinalOrStoredAsync"/>), with two nodes'
/// caches on one Redis: a finished task another node shared is kept in the follower's memory after the first read; a
/// task in a status an operation may leave is read from the store every time.
/// </summary>
public sealed class FollowerTaskCacheTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task AFinishedTaskFromRedis_IsKeptInMemory_ATaskNotFinished_IsReadFromTheStoreEveryTime()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);
        var store = new InMemoryMeshStore();
        var finished = MeshSamples.Succeeded(MeshSamples.Assigned(MeshSamples.Task()));
        var running = MeshSamples.Assigned(MeshSamples.Task());
        await store.CommitAsync([new ChangeSet().Put(MeshSamples.Tenant()).Put(finished).Put(running)], Cancellation);
        await using var leaderNode = CacheOf(buckets);
        await using var followerNode = CacheOf(buckets);
        var leader = leaderNode.GetRequiredService<FinishedTaskCache>();
        var follower = followerNode.GetRequiredService<FinishedTaskCache>();

        // One node reads the finished task from the store and shares it; the follower then finds it in Redis.
        await leader.GetFinalOrStoredAsync(store, "acme", finished.Id, Cancellation);
        await EventuallyInRedisAsync(redis, finished);
        Assert.Equal(finished.Output, (await follower.GetFinalOrStoredAsync(store, "acme", finished.Id, Cancellation))!.Output);

        // Gone from Redis, changed in the store (as no operation can): the follower still answers from its memory.
        await DeleteFromRedisAsync(redis, finished);
        await store.CommitAsync([new ChangeSet().Put(finished with { Output = """{"changed":true}""", Version = finished.Version + 1 })], Cancellation);
        var again = await follower.GetFinalOrStoredAsync(store, "acme", finished.Id, Cancellation);

        var first = await follower.GetFinalOrStoredAsync(store, "acme", running.Id, Cancellation);
        await store.CommitAsync([new ChangeSet().Put(running with { UpdatedAt = running.UpdatedAt.AddSeconds(1), Version = running.Version + 1 })], Cancellation);
        var second = await follower.GetFinalOrStoredAsync(store, "acme", running.Id, Cancellation);

        Assert.Equal(finished.Output, again!.Output);
        Assert.Equal(finished.Version, again.Version);
        Assert.Equal(running.Version, first!.Version);
        Assert.Equal(running.Version + 1, second!.Version);
    }

    /// <summary>A node's read cache: memory, and Redis through the node's connection and pipelines.</summary>
    private static ServiceProvider CacheOf(Buckets buckets)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IDistributedCache>(new RedisDistributedCache(buckets.Connection, buckets.Pipelines, TimeProvider.System, NullLogger<RedisDistributedCache>.Instance));
        services.AddHybridCache().AddSerializer(new MeshTaskSerializer(Protection.PlaintextPayloads.Instance));
        services.AddSingleton(sp => new FinishedTaskCache(
            sp.GetRequiredService<HybridCache>(), new CacheOptions(), shared: true, TimeProvider.System, NullLogger<FinishedTaskCache>.Instance));
        return services.BuildServiceProvider();
    }

    private async Task EventuallyInRedisAsync(RedisServer redis, MeshTask task)
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await TestKit.Eventually.TrueAsync(() => multiplexer.GetDatabase().KeyExists(RedisKey(task)), "the finished task was written to Redis");
    }

    private async Task DeleteFromRedisAsync(RedisServer redis, MeshTask task)
    {
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.True(await multiplexer.GetDatabase().KeyDeleteAsync(RedisKey(task)));
    }

    private string RedisKey(MeshTask task) => _prefix + "cache:" + FinishedTaskCache.Key(task.Tenant, task.Id);
}
