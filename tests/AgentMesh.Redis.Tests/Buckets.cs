using AgentMesh.Redis.RateLimits;
using AgentMesh.Resilience;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentMesh.Redis.Tests;

/// <summary>
/// A connection of its own to the test's Redis and the shared buckets over it, under a key prefix of the test's own,
/// behind a <c>Redis</c> pipeline with that dependency's defaults changed by the test.
/// </summary>
internal sealed class Buckets : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private Buckets(RedisConnection connection, ServiceProvider services)
    {
        Connection = connection;
        _services = services;
        Shared = new RedisTokenBuckets(
            connection, services.GetRequiredService<DependencyPipelines>(), TimeProvider.System, NullLogger<RedisTokenBuckets>.Instance);
    }

    public RedisConnection Connection { get; }

    /// <summary>The pipelines the buckets call Redis through.</summary>
    public DependencyPipelines Pipelines => _services.GetRequiredService<DependencyPipelines>();

    public RedisTokenBuckets Shared { get; }

    /// <summary>The state of the <c>Redis</c> pipeline's breaker.</summary>
    public BreakerState Breaker => _services.GetRequiredService<DependencyBreakers>().States[Dependencies.Redis];

    public static async Task<Buckets> ConnectAsync(RedisServer redis, string prefix, Action<DependencyResilienceOptions>? pipeline = null)
    {
        var options = new RedisOptions
        {
            ConnectionString = redis.ConnectionString + ",connectRetry=1,syncTimeout=1000,asyncTimeout=1000",
            KeyPrefix = prefix,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        };
        var connection = new RedisConnection(Options.Create(options), NullLogger<RedisConnection>.Instance);
        await connection.StartAsync(TestContext.Current.CancellationToken);
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<DependencyBreakers>()
            .AddSingleton<DependencyPipelines>();
        services.AddOptions<DependencyResilienceOptions>(Dependencies.Redis).Configure(o =>
        {
            Dependencies.ApplyDefaults(Dependencies.Redis, o);
            pipeline?.Invoke(o);
        });
        return new Buckets(connection, services.BuildServiceProvider());
    }

    public ValueTask<SharedBucketAnswer?> TakeAsync(string bucket, int rate, int burst) =>
        Shared.TryTakeAsync(new SharedBucket(bucket, rate, burst), TestContext.Current.CancellationToken);

    public ValueTask<SharedTake?> TakeAsync(SharedBucket first, SharedBucket second) =>
        Shared.TryTakeAsync(first, second, TestContext.Current.CancellationToken);

    /// <summary>How many scripts Redis ran (<c>EVAL</c> and <c>EVALSHA</c> calls in <c>INFO commandstats</c>).</summary>
    public async Task<long> ScriptCallsAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(Connection.Endpoint + ",allowAdmin=true");
        await using (multiplexer)
        {
            var info = await multiplexer.GetServer(multiplexer.GetEndPoints()[0]).InfoAsync("commandstats");
            return info.SelectMany(static group => group)
                .Where(static pair => pair.Key is "cmdstat_eval" or "cmdstat_evalsha")
                .Sum(static pair => long.Parse(pair.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await _services.DisposeAsync();
    }
}
