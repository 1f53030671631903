using AgentMesh.Redis.Connection;
using AgentMesh.Resilience;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMesh.Redis.RateLimits;

/// <summary>
/// Token buckets kept in Redis, so every node (and a new leader after a failover) draws from the same ones. One Lua
/// script refills and takes, from a credential's and a tenant's bucket in one round trip, atomically on Redis's own
/// clock. Each take goes through the node's <see cref="Dependencies.Redis"/> resilience pipeline: when Redis fails or
/// does not answer within its timeout (<c>AgentMesh:Resilience:Redis:Timeout</c>, 100 ms),
/// <see cref="TryTakeAsync(SharedBucket, SharedBucket?, CancellationToken)"/> answers null, and while the pipeline's
/// breaker is open it answers null at once; when half-open one request asks Redis again, and the buckets are shared
/// again as soon as it answers.
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
    private readonly ILogger<RedisTokenBuckets> _logger;
    private readonly string _prefix;
    private readonly RedisPipeline _pipeline;

    /// <summary>
    /// Buckets over <paramref name="connection"/>, under its key prefix followed by <c>ratelimit:</c>, behind the
    /// <see cref="Dependencies.Redis"/> pipeline of <paramref name="pipelines"/>.
    /// </summary>
    public RedisTokenBuckets(RedisConnection connection, DependencyPipelines pipelines, TimeProvider time, ILogger<RedisTokenBuckets> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _logger = logger;
        _prefix = connection.Options.KeyPrefix + "ratelimit:";
        _pipeline = new RedisPipeline(pipelines, time);
    }

    /// <summary>Whether the last decision came from Redis (<see langword="false"/> while the node decides on its own).</summary>
    public bool IsShared => !_pipeline.IsLocal;

    /// <summary>
    /// Takes one token from <paramref name="first"/> and, when it admits, one from <paramref name="second"/>, in one
    /// atomic round trip; a bucket is created full. Null when Redis cannot decide now.
    /// </summary>
    public async ValueTask<SharedTake?> TryTakeAsync(SharedBucket first, SharedBucket? second, CancellationToken cancellationToken)
    {
        if (_pipeline.IsOpen || _connection.Commands is not { } database)
        {
            return null;
        }

        RedisKey[] keys = second is { } both ? [_prefix + first.Name, _prefix + both.Name] : [_prefix + first.Name];
        RedisValue[] values = second is { } other ? [first.Rate, first.Burst, other.Rate, other.Burst] : [first.Rate, first.Burst];
        var outcome = await _pipeline.ExecuteAsync(
            static s => s.database.ScriptEvaluateAsync(TakeScript, s.keys, s.values), (database, keys, values), cancellationToken);
        if (outcome.Exception is { } failure)
        {
            GoLocal(failure);
            return null;
        }

        var answers = (long[])outcome.Result!;
        GoShared();
        return new SharedTake(Answer(answers, 0), answers.Length >= 6 ? Answer(answers, 3) : null);
    }

    /// <summary>Takes one token from <paramref name="bucket"/>; null when Redis cannot decide now.</summary>
    public async ValueTask<SharedBucketAnswer?> TryTakeAsync(SharedBucket bucket, CancellationToken cancellationToken) =>
        await TryTakeAsync(bucket, null, cancellationToken) is { } take ? take.First : null;

    private static SharedBucketAnswer Answer(long[] answers, int at) =>
        new(answers[at] == 1, answers[at + 1], TimeSpan.FromMicroseconds(answers[at + 2]));

    private void GoLocal(Exception failure)
    {
        if (_pipeline.Failed())
        {
            RedisLog.RateLimitsLocal(_logger, RedisPipeline.Reason(failure), failure as RedisException);
        }
    }

    private void GoShared()
    {
        if (_pipeline.Answered() is { } local)
        {
            var seconds = Math.Round(local.TotalSeconds, 3);
            RedisLog.RateLimitsShared(_logger, seconds);
        }
    }
}
