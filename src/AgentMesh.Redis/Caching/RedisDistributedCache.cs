using AgentMesh.Redis.Connection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMesh.Redis.Caching;

/// <summary>
/// The shared level (L2) of the node's read cache, on the node's one <see cref="RedisConnection"/>, under its key prefix
/// followed by <c>cache:</c>. A read waits at most <see cref="RedisOptions.OperationTimeout"/>; when Redis fails or does
/// not answer, reads miss at once (the caller goes to the store) and writes are dropped for
/// <see cref="RedisOptions.RetryInterval"/>, then one read asks Redis again. Writes never wait: they are sent
/// fire-and-forget, since a lost write only costs a later miss. It never throws for Redis's sake.
/// </summary>
public sealed class RedisDistributedCache : IDistributedCache
{
    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisDistributedCache> _logger;
    private readonly string _prefix;
    private readonly RedisFallback _fallback;

    /// <summary>The cache over <paramref name="connection"/>.</summary>
    public RedisDistributedCache(RedisConnection connection, TimeProvider time, ILogger<RedisDistributedCache> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _time = time;
        _logger = logger;
        _prefix = connection.Options.KeyPrefix + "cache:";
        _fallback = new RedisFallback(time, connection.Options.RetryInterval);
    }

    /// <summary>Whether the last call reached Redis (<see langword="false"/> while reads go to the store only).</summary>
    public bool IsAvailable => !_fallback.IsLocal;

    /// <summary>The Redis key of a cache key.</summary>
    public string RedisKey(string key) => _prefix + key;

    /// <summary>The synchronous read (HybridCache does not use it): it waits as long as the connection's synchronous timeout.</summary>
    public byte[]? Get(string key)
    {
        if (Database(forRead: true) is not { } database)
        {
            return null;
        }

        try
        {
            var value = database.StringGet(RedisKey(key));
            Answered();
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (RedisException exception)
        {
            Unavailable(exception.GetType().Name, exception);
            return null;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (Database(forRead: true) is not { } database)
        {
            return null;
        }

        try
        {
            var value = await database.StringGetAsync(RedisKey(key)).WaitAsync(_connection.Options.OperationTimeout, _time, token);
            Answered();
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (TimeoutException)
        {
            Unavailable("timed out", null);
            return null;
        }
        catch (RedisException exception)
        {
            Unavailable(exception.GetType().Name, exception);
            return null;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Database(forRead: false) is not { } database)
        {
            return;
        }

        try
        {
            database.StringSet(RedisKey(key), value, Expiry(options), When.Always, CommandFlags.FireAndForget);
        }
        catch (RedisException exception)
        {
            Unavailable(exception.GetType().Name, exception);
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
        if (Database(forRead: false) is not { } database)
        {
            return;
        }

        try
        {
            database.KeyDelete(RedisKey(key), CommandFlags.FireAndForget);
        }
        catch (RedisException exception)
        {
            Unavailable(exception.GetType().Name, exception);
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

    // While Redis is unavailable, one read per retry interval gets to ask it; other reads, and every write, go without at once.
    private IDatabase? Database(bool forRead)
    {
        if (forRead ? !_fallback.MayAsk() : _fallback.IsLocal)
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

    private void Unavailable(string reason, Exception? exception)
    {
        if (_fallback.Failed())
        {
            RedisLog.CacheLocal(_logger, reason, exception);
        }
    }

    private void Answered()
    {
        if (_fallback.Answered() is not null)
        {
            RedisLog.CacheShared(_logger);
        }
    }
}
