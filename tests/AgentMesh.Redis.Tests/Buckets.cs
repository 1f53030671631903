using AgentMesh.Redis.RateLimits;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentMesh.Redis.Tests;

/// <summary>A connection of its own to the test's Redis and the shared buckets over it, under a key prefix of the test's own.</summary>
internal sealed class Buckets : IAsyncDisposable
{
    private Buckets(RedisConnection connection)
    {
        Connection = connection;
        Shared = new RedisTokenBuckets(connection, TimeProvider.System, NullLogger<RedisTokenBuckets>.Instance);
    }

    public RedisConnection Connection { get; }

    public RedisTokenBuckets Shared { get; }

    public static async Task<Buckets> ConnectAsync(RedisServer redis, string prefix, TimeSpan? retryInterval = null)
    {
        var options = new RedisOptions
        {
            ConnectionString = redis.ConnectionString + ",connectRetry=1,syncTimeout=1000,asyncTimeout=1000",
            KeyPrefix = prefix,
            RetryInterval = retryInterval ?? TimeSpan.FromMilliseconds(100),
            ConnectTimeout = TimeSpan.FromSeconds(1),
        };
        var connection = new RedisConnection(Options.Create(options), NullLogger<RedisConnection>.Instance);
        await connection.StartAsync(TestContext.Current.CancellationToken);
        return new Buckets(connection);
    }

    public ValueTask<SharedBucketAnswer?> TakeAsync(string bucket, int rate, int burst) =>
        Shared.TryTakeAsync(new SharedBucket(bucket, rate, burst), TestContext.Current.CancellationToken);

    public ValueTask<SharedTake?> TakeAsync(SharedBucket first, SharedBucket second) =>
        Shared.TryTakeAsync(first, second, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
