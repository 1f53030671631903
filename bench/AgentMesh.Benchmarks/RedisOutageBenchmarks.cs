using AgentMesh.Redis;
using AgentMesh.Redis.RateLimits;
using AgentMesh.Resilience;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentMesh.Benchmarks;

/// <summary>
/// A shared rate-limit take while Redis is out of reach and its breaker is open: what every request costs the node
/// during a Redis outage before its own buckets decide. Needs no Redis (it asks a port nothing listens on).
/// </summary>
[MemoryDiagnoser]
public class RedisOutageBenchmarks : IAsyncDisposable
{
    private readonly SharedBucket _credential = new("credential:k", 1000, 2000);
    private readonly SharedBucket _tenant = new("tenant:t", 10000, 20000);
    private ServiceProvider _services = null!;
    private RedisConnection _connection = null!;
    private RedisTokenBuckets _buckets = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var options = new RedisOptions { ConnectionString = "127.0.0.1:1,connectRetry=0", ConnectTimeout = TimeSpan.FromMilliseconds(200) };
        _connection = new RedisConnection(Options.Create(options), NullLogger<RedisConnection>.Instance);
        await _connection.StartAsync(CancellationToken.None);
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton<DependencyBreakers>()
            .AddSingleton<DependencyPipelines>();

        // Open for the whole run, so that no trial call is measured.
        services.AddOptions<DependencyResilienceOptions>(Dependencies.Redis).Configure(static o =>
        {
            Dependencies.ApplyDefaults(Dependencies.Redis, o);
            o.BreakDuration = TimeSpan.FromHours(1);
        });
        _services = services.BuildServiceProvider();
        _buckets = new RedisTokenBuckets(_connection, _services.GetRequiredService<DependencyPipelines>(), TimeProvider.System, NullLogger<RedisTokenBuckets>.Instance);
        for (var i = 0; i < 2; i++)
        {
            await _buckets.TryTakeAsync(_credential, _tenant, CancellationToken.None);
        }
    }

    [Benchmark]
    public ValueTask<SharedTake?> TakeWhileRedisIsOut() => _buckets.TryTakeAsync(_credential, _tenant, CancellationToken.None);

    [GlobalCleanup]
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _services.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
