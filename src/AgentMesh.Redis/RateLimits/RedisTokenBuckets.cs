using AgentMesh.Redis.Connection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMesh.Redis.RateLimits;

/// <summary>
/// Token buckets kept in Redis, so every node (and a new leader after a failover) draws from the same ones. One Lua
/// script refills and takes atomically on Redis's own clock. When Redis fails or does not answer within
/// <see cref="RedisOptions.OperationTimeout"/>, <see cref="TryTakeAsync"/> answers null at once and keeps doing so
/// for <see cref="RedisOptions.RetryInterval"/>; then one request asks Redis again, and the buckets are shared again
/// as soon as it answers.
/// </summary>
public sealed class RedisTokenBuckets
{
    // KEYS[1] the bucket; ARGV[1] tokens per second, ARGV[2] the bucket size. Returns {admitted, whole tokens left,
    // microseconds until a token is there}. A full bucket's key expires, so idle buckets cost nothing.
    private const string TakeScript = """
        local now = redis.call('TIME')
        local micros = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = burst
          at = micros
        end
        local elapsed = micros - at
        if elapsed < 0 then elapsed = 0 end
        tokens = math.min(burst, tokens + elapsed * rate / 1000000)
        local admitted = 0
        local wait = 0
        if tokens >= 1 then
          tokens = tokens - 1
          admitted = 1
        else
          wait = math.ceil((1 - tokens) * 1000000 / rate)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(micros))
        redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
        return {admitted, math.floor(tokens), wait}
        """;

    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisTokenBuckets> _logger;
    private readonly string _prefix;
    private readonly long _retryTicks;
    private int _local;
    private long _localSince;
    private long _retryAt;

    public RedisTokenBuckets(RedisConnection connection, TimeProvider time, ILogger<RedisTokenBuckets> logger)
    {
        _connection = connection;
        _time = time;
        _logger = logger;
        _prefix = connection.Options.KeyPrefix + "ratelimit:";
        _retryTicks = (long)(connection.Options.RetryInterval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Whether the last decision came from Redis (<see langword="false"/> while the node decides on its own).</summary>
    public bool IsShared => Volatile.Read(ref _local) == 0;

    /// <summary>
    /// Takes one token from the shared bucket <paramref name="bucket"/> (created full), refilled at
    /// <paramref name="rate"/> per second up to <paramref name="burst"/>; null when Redis cannot decide now.
    /// </summary>
    public async ValueTask<SharedBucketAnswer?> TryTakeAsync(string bucket, int rate, int burst, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _local) == 1 && !ClaimRetry())
        {
            return null;
        }

        if (_connection.Database is not { } database)
        {
            GoLocal("not connected", null);
            return null;
        }

        try
        {
            var result = await database.ScriptEvaluateAsync(TakeScript, [(RedisKey)(_prefix + bucket)], [rate, burst])
                .WaitAsync(_connection.Options.OperationTimeout, _time, cancellationToken);
            var values = (long[])result!;
            GoShared();
            return new SharedBucketAnswer(values[0] == 1, values[1], TimeSpan.FromMicroseconds(values[2]));
        }
        catch (TimeoutException exception)
        {
            GoLocal("timed out", exception);
            return null;
        }
        catch (RedisException exception)
        {
            GoLocal(exception.GetType().Name, exception);
            return null;
        }
    }

    // While local, one caller per retry interval gets to ask Redis; the others decide locally without waiting.
    private bool ClaimRetry()
    {
        var retryAt = Volatile.Read(ref _retryAt);
        var now = _time.GetTimestamp();
        return now >= retryAt && Interlocked.CompareExchange(ref _retryAt, now + _retryTicks, retryAt) == retryAt;
    }

    private void GoLocal(string reason, Exception? exception)
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _retryAt, now + _retryTicks);
        if (Interlocked.Exchange(ref _local, 1) == 0)
        {
            Volatile.Write(ref _localSince, now);
            RedisLog.RateLimitsLocal(_logger, reason, exception);
        }
    }

    private void GoShared()
    {
        if (Interlocked.Exchange(ref _local, 0) == 1)
        {
            var seconds = Math.Round(_time.GetElapsedTime(Volatile.Read(ref _localSince)).TotalSeconds, 3);
            RedisLog.RateLimitsShared(_logger, seconds);
        }
    }
}
