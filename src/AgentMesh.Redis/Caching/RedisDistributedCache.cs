using AgentMesh.Redis.Connection;
using AgentMesh.Resilience;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMesh.Redis.Caching;

/// <summary>
/// The shared level (L2) of the node's read cache, on the node's one <see cref="RedisConnection"/>, under its key prefix
/// followed by <c>cache:</c>. A read goes through the node's <see cref="Dependencies.Redis"/> resilience pipeline: it
/// waits at most the pipeline's timeout (<c>AgentMesh:Resilience:Redis:Timeout</c>, 100 ms), and when Redis fails,
/// does not answer or its breaker is open, it misses at once (the caller goes to the store). Writes never wait: they
/// are sent fire-and-forget, since a lost write only costs a later miss, and they are dropped while the breaker is not
/// closed. It never throws for Redis's sake.
/// </summary>
public sealed class RedisDistributedCache : IDistributedCache
{
    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisDistributedCache> _logger;
    private readonly string _prefix;
    private readonly RedisPipeline _pipeline;

    /// <summary>The cache over <paramref name="connection"/>, behind the <see cref="Dependencies.Redis"/> pipeline of <paramref name="pipelines"/>.</summary>
    public RedisDistributedCache(RedisConnection connection, DependencyPipelines pipelines, TimeProvider time, ILogger<RedisDistributedCache> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _time = time;
        _logger = logger;
        _prefix = connection.Options.KeyPrefix + "cache:";
        _pipeline = new RedisPipeline(pipelines, time);
    }

    /// <summary>Whether the last call reached Redis (<see langword="false"/> while reads go to the store only).</summary>
    public bool IsAvailable => !_pipeline.IsLocal;

    /// <summary>The Redis key of a cache key.</summary>
    public string RedisKey(string key) => _prefix + key;

    /// <summary>The synchronous read (HybridCache does not use it): the breaker applies, but it waits as long as the connection's synchronous timeout.</summary>
    public byte[]? Get(string key)
    {
        if (_pipeline.IsOpen || _connection.Commands is not { } database)
        {
            return null;
        }

        try
        {
            var value = _pipeline.Execute(static s => s.database.StringGet(s.key), (database, key: RedisKey(key)));
            Answered();
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception exception) when (RedisPipeline.IsUnanswered(exception))
        {
            Unavailable(exception);
            return null;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (_pipeline.IsOpen || _connection.Commands is not { } database)
        {
            return null;
        }

        var outcome = await _pipeline.ExecuteAsync(static s => s.database.StringGetAsync(s.key), (database, key: RedisKey(key)), token);
        if (outcome.Exception is { } failure)
        {
            Unavailable(failure);
            return null;
        }

        Answered();
        return outcome.Result.IsNull ? null : (byte[]?)outcome.Result;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Writable() is not { } database)
        {
            return;
        }

        try
        {
            database.StringSet(RedisKey(key), value, Expiry(options), When.Always, CommandFlags.FireAndForget);
        }
        catch (RedisException exception)
        {
            Unavailable(exception);
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    /// <summary>Nothing to do: entries expire at an absolute time.</summary>
    public void Refresh(string key)
    {
    }

    /// <summary>Nothing to do: entries expire at an absolute time.</summary>
    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key)
    {
        if (Writable() is not { } database)
        {
            return;
        }

        try
        {
            database.KeyDelete(RedisKey(key), CommandFlags.FireAndForget);
        }
        catch (RedisException exception)
        {
            Unavailable(exception);
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    private TimeSpan? Expiry(DistributedCacheEntryOptions options) =>
        options.AbsoluteExpirationRelativeToNow
        ?? (options.AbsoluteExpiration is { } at ? at - _time.GetUtcNow() : (TimeSpan?)null)
        ?? options.SlidingExpiration;

    // Writes are not calls the breaker should count (fire-and-forget succeeds at once even against a frozen server): they
    // go out, without waiting, while the breaker is closed.
    private IDatabase? Writable()
    {
        if (!_pipeline.IsClosed)
        {
            return null;
        }

        if (_connection.Database is { } database)
        {
            return database;
        }

        // Before the host has started the connection there is nothing to ask yet, which is no failure of Redis.
        if (_connection.State != "connecting")
        {
            Unavailable("not connected", null);
        }

        return null;
    }

    private void Unavailable(Exception failure) => Unavailable(RedisPipeline.Reason(failure), failure as RedisException);

    private void Unavailable(string reason, Exception? exception)
    {
        if (_pipeline.Failed())
        {
            RedisLog.CacheLocal(_logger, reason, exception);
        }
    }

    private void Answered()
    {
        if (_pipeline.Answered() is not null)
        {
            RedisLog.CacheShared(_logger);
        }
    }
}
