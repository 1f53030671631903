using AgentMesh.Redis.Connection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMesh.Redis.RateLimits;

/// <summary>
/// Token buckets kept in Redis, so every node (and a new leader after a failover) draws from the same ones. One Lua
/// script refills and takes, from a credential's and a tenant's bucket in one round trip, atomically on Redis's own
/// clock. When Redis fails or does not answer within <see cref="RedisOptions.OperationTimeout"/>,
/// <see cref="TryTakeAsync(SharedBucket, SharedBucket?, CancellationToken)"/> answers null at once and keeps doing so
/// for <see cref="RedisOptions.RetryInterval"/>; then one request asks Redis again, and the buckets are shared again
/// as soon as it answers.
/// </summary>
public sealed class RedisTokenBuckets
{
    // KEYS: one or two buckets; ARGV: each one's tokens per second and size. The second bucket is taken from only
    // when the first admits. Returns {admitted, whole tokens left, microseconds until a token is there} per bucket
    // taken from. A full bucket's key expires, so idle buckets cost nothing.
    private const string TakeScript = """
        local now = redis.call('TIME')
        local micros = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local answers = {}
        for i = 1, #KEYS do
          local rate = tonumber(ARGV[2 * i - 1])
          local burst = tonumber(ARGV[2 * i])
          local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
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
          redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'at', tostring(micros))
          redis.call('PEXPIRE', KEYS[i], math.ceil((burst - tokens) * 1000 / rate) + 1000)
          answers[#answers + 1] = admitted
          answers[#answers + 1] = math.floor(tokens)
          answers[#answers + 1] = wait
          if admitted == 0 then break end
        end
        return answers
        """;

    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisTokenBuckets> _logger;
    private readonly string _prefix;
    private readonly RedisFallback _fallback;

    /// <summary>Buckets over <paramref name="connection"/>, under its key prefix followed by <c>ratelimit:</c>.</summary>
    public RedisTokenBuckets(RedisConnection connection, TimeProvider time, ILogger<RedisTokenBuckets> logger)
    {
        _connection = connection;
        _time = time;
        _logger = logger;
        _prefix = connection.Options.KeyPrefix + "ratelimit:";
        _fallback = new RedisFallback(time, connection.Options.RetryInterval);
    }

    /// <summary>Whether the last decision came from Redis (<see langword="false"/> while the node decides on its own).</summary>
    public bool IsShared => !_fallback.IsLocal;

    /// <summary>
    /// Takes one token from <paramref name="first"/> and, when it admits, one from <paramref name="second"/>, in one
    /// atomic round trip; a bucket is created full. Null when Redis cannot decide now.
    /// </summary>
    public async ValueTask<SharedTake?> TryTakeAsync(SharedBucket first, SharedBucket? second, CancellationToken cancellationToken)
    {
        if (!_fallback.MayAsk())
        {
            return null;
        }

        if (_connection.Database is not { } database)
        {
            GoLocal("not connected", null);
            return null;
        }

        RedisKey[] keys = second is { } both ? [_prefix + first.Name, _prefix + both.Name] : [_prefix + first.Name];
        RedisValue[] values = second is { } other ? [first.Rate, first.Burst, other.Rate, other.Burst] : [first.Rate, first.Burst];
        try
        {
            var result = await database.ScriptEvaluateAsync(TakeScript, keys, values).WaitAsync(_connection.Options.OperationTimeout, _time, cancellationToken);
            var answers = (long[])result!;
            GoShared();
            return new SharedTake(Answer(answers, 0), answers.Length >= 6 ? Answer(answers, 3) : null);
        }
        catch (TimeoutException)
        {
            GoLocal("timed out", null);
            return null;
        }
        catch (RedisException exception)
        {
            GoLocal(exception.GetType().Name, exception);
            return null;
        }
    }

    /// <summary>Takes one token from <paramref name="bucket"/>; null when Redis cannot decide now.</summary>
    public async ValueTask<SharedBucketAnswer?> TryTakeAsync(SharedBucket bucket, CancellationToken cancellationToken) =>
        await TryTakeAsync(bucket, null, cancellationToken) is { } take ? take.First : null;

    private static SharedBucketAnswer Answer(long[] answers, int at) =>
        new(answers[at] == 1, answers[at + 1], TimeSpan.FromMicroseconds(answers[at + 2]));

    private void GoLocal(string reason, Exception? exception)
    {
        if (_fallback.Failed())
        {
            RedisLog.RateLimitsLocal(_logger, reason, exception);
        }
    }

    private void GoShared()
    {
        if (_fallback.Answered() is { } local)
        {
            var seconds = Math.Round(local.TotalSeconds, 3);
            RedisLog.RateLimitsShared(_logger, seconds);
        }
    }
}
