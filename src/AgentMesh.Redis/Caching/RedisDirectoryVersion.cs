using AgentMesh.Redis.Connection;
using AgentMesh.Resilience;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMesh.Redis.Caching;

/// <summary>
/// The cluster directory's version in Redis (key <c>{prefix}directory</c>): the leader writes a new one after every key
/// revocation and every agent registration or change, before acknowledging it, always with an expiry (the end of the
/// leader's lease); followers read it on every request they answer themselves and trust only cache entries made under
/// the version they read. A follower that
/// cannot read it (no key, Redis down, breaker open) does not answer from its cache at all. Calls go through the
/// node's <see cref="Dependencies.Redis"/> pipeline and never throw for Redis's sake.
/// </summary>
public sealed class RedisDirectoryVersion
{
    private readonly RedisConnection _connection;
    private readonly ILogger<RedisDirectoryVersion> _logger;
    private readonly RedisPipeline _pipeline;
    private readonly RedisKey _key;

    public RedisDirectoryVersion(RedisConnection connection, DependencyPipelines pipelines, TimeProvider time, ILogger<RedisDirectoryVersion> logger)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _logger = logger;
        _pipeline = new RedisPipeline(pipelines, time);
        _key = connection.Options.KeyPrefix + "directory";
    }

    /// <summary>The version the leader last wrote, or null when it is not known (none written or expired, or Redis did not answer).</summary>
    public async ValueTask<string?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_pipeline.IsOpen || _connection.Commands is not { } database)
        {
            return null;
        }

        var outcome = await _pipeline.ExecuteAsync(static s => s.database.StringGetAsync(s.key), (database, key: _key), cancellationToken);
        if (outcome.Exception is { } failure)
        {
            Unavailable(failure);
            return null;
        }

        Answered();
        return outcome.Result.IsNull ? null : (string?)outcome.Result;
    }

    /// <summary>
    /// Writes <paramref name="version"/>, expiring at <paramref name="expiresAt"/> (an absolute time, so a write Redis
    /// takes late cannot live longer than its sender reckoned); true once Redis has acknowledged it.
    /// </summary>
    public async ValueTask<bool> WriteAsync(string version, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (_pipeline.IsOpen || _connection.Commands is not { } database)
        {
            return false;
        }

        var outcome = await _pipeline.ExecuteAsync(
            static s => s.database.ExecuteAsync("SET", s.key, s.version, "PXAT", s.at),
            (database, key: _key, version, at: expiresAt.ToUnixTimeMilliseconds()),
            cancellationToken);
        if (outcome.Exception is { } failure)
        {
            Unavailable(failure);
            return false;
        }

        Answered();
        return outcome.Result is { IsNull: false };
    }

    private void Unavailable(Exception failure)
    {
        if (_pipeline.Failed())
        {
            RedisLog.DirectoryUnknown(_logger, RedisPipeline.Reason(failure), failure as RedisException);
        }
    }

    private void Answered()
    {
        if (_pipeline.Answered() is not null)
        {
            RedisLog.DirectoryKnown(_logger);
        }
    }
}
