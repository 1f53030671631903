using AgentMesh.Caching;
using AgentMesh.Keys;
using AgentMesh.Redis.Caching;
using AgentMesh.Server.Cluster;
using AgentMesh.TestKit;
using AgentMesh.TestKit.Services;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentMesh.Redis.Tests;

/// <summary>
/// The leader's directory version in Redis: written when leading starts and after every revocation and agent change, only
/// while the lease is held; a revocation Redis does not take is answered only after the last version has expired, an
/// agent change once no cached agent answer from before it may be used.
/// </summary>
public sealed class DirectoryVersionTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan AgentExpiration = TimeSpan.FromMilliseconds(500);

    private static readonly ApiKeyRecord Key = new()
    {
        Id = "0123456789abcdef",
        Name = "k",
        Roles = [Roles.Viewer],
        SecretHash = "00",
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task Leading_WritesTheEpochsVersion_AndEveryRevocationAndAgentChangeANewOneBeforeItReturns()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var buckets = await ConnectAsync(redis);
        var state = HeldLease();
        var versions = new RedisDirectoryVersion(buckets.Connection, buckets.Pipelines, TimeProvider.System, NullLogger<RedisDirectoryVersion>.Instance);
        await using var publisher = Publisher(state, versions);

        await publisher.StartAsync(7, TestContext.Current.CancellationToken);
        var first = await versions.ReadAsync(TestContext.Current.CancellationToken);
        var expiry = await TimeToLiveAsync(redis);
        await publisher.KeyRevokedAsync(Key, TestContext.Current.CancellationToken);
        var second = await versions.ReadAsync(TestContext.Current.CancellationToken);
        await publisher.AgentChangedAsync("acme", "agent-1", TestContext.Current.CancellationToken);

        Assert.Equal("7.0.0", first);
        Assert.NotNull(expiry);
        Assert.InRange(expiry.Value, TimeSpan.FromMilliseconds(1), Lease);
        Assert.Equal("7.1.0", second);
        Assert.Equal("7.1.1", await versions.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LeaseNoLongerHeld_NothingIsWritten_AndARevocationReturnsOnlyOnceTheLastVersionHasExpired()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var buckets = await ConnectAsync(redis);
        var state = HeldLease();
        var versions = new RedisDirectoryVersion(buckets.Connection, buckets.Pipelines, TimeProvider.System, NullLogger<RedisDirectoryVersion>.Instance);
        await using var publisher = Publisher(state, versions);
        await publisher.StartAsync(3, TestContext.Current.CancellationToken);
        Assert.Equal("3.0.0", await versions.ReadAsync(TestContext.Current.CancellationToken));

        // As a deposed leader sees it: the lease it last renewed has run out.
        state.Held(TimeProvider.System.GetTimestamp());
        await publisher.KeyRevokedAsync(Key, TestContext.Current.CancellationToken);

        // 3.0 was written a moment ago with a 1 s expiry: it is gone only because the revocation waited for it.
        Assert.Null(await versions.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task VersionNotTaken_AnAgentChangeWaitsOnlyUntilAnswersCachedBeforeItAreTooOld_ARevocationUntilTheVersionExpired()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var buckets = await ConnectAsync(redis);
        var state = HeldLease();
        var versions = new RedisDirectoryVersion(buckets.Connection, buckets.Pipelines, TimeProvider.System, NullLogger<RedisDirectoryVersion>.Instance);
        await using var publisher = Publisher(state, versions, lease: TimeSpan.FromSeconds(6));
        await publisher.StartAsync(4, TestContext.Current.CancellationToken);
        state.Held(TimeProvider.System.GetTimestamp());

        var started = TimeProvider.System.GetTimestamp();
        await publisher.AgentChangedAsync("acme", "agent-1", TestContext.Current.CancellationToken);
        var agentWaited = TimeProvider.System.GetElapsedTime(started);
        var versionAfterAgentChange = await versions.ReadAsync(TestContext.Current.CancellationToken);
        await publisher.KeyRevokedAsync(Key, TestContext.Current.CancellationToken);

        // An agent answer is used for AgentExpiration after it was asked for (clocks agreeing within 0.25 s either way).
        Assert.True(agentWaited >= AgentExpiration + TimeSpan.FromMilliseconds(500), $"returned after {agentWaited}");
        Assert.Equal("4.0.0", versionAfterAgentChange);
        Assert.Null(await versions.ReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RedisStopped_ARevocationWaitsOutTheLastVersion_ThenRedisBack_TheNextVersionIsWritten()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var buckets = await Buckets.ConnectAsync(redis, _prefix);
        var state = HeldLease();
        var versions = new RedisDirectoryVersion(buckets.Connection, buckets.Pipelines, TimeProvider.System, NullLogger<RedisDirectoryVersion>.Instance);
        await using var publisher = Publisher(state, versions);
        await publisher.StartAsync(5, TestContext.Current.CancellationToken);

        await redis.StopAsync();
        await publisher.KeyRevokedAsync(Key, TestContext.Current.CancellationToken);
        await redis.StartAsync();
        await Eventually.TrueAsync(async () => await versions.ReadAsync(TestContext.Current.CancellationToken) is not null, "the version was written again");

        // Redis lost everything (no persistence): the refresh writes the version of the revocation, never the older one.
        Assert.Equal("5.1.0", await versions.ReadAsync(TestContext.Current.CancellationToken));
        await publisher.KeyRevokedAsync(Key, TestContext.Current.CancellationToken);
        Assert.Equal("5.2.0", await versions.ReadAsync(TestContext.Current.CancellationToken));
    }

    // These tests are about what the publisher waits for, not Redis's latency: a slow Redis call on a loaded machine must
    // not stand in for a failed one (the default timeout is 100 ms).
    private Task<Buckets> ConnectAsync(RedisServer redis) =>
        Buckets.ConnectAsync(redis, _prefix, static o => o.Timeout = TimeSpan.FromSeconds(2));

    private static ClusterState HeldLease()
    {
        var state = new ClusterState("node-test");
        state.Held(TimeProvider.System.GetTimestamp() + (long)(TimeSpan.FromMinutes(1).TotalSeconds * TimeProvider.System.TimestampFrequency));
        return state;
    }

    private static DirectoryVersionPublisher Publisher(ClusterState state, RedisDirectoryVersion versions, TimeSpan? lease = null) =>
        new(
            state,
            versions,
            Options.Create(new ClusterOptions { LeaseDuration = lease ?? Lease, CheckInterval = TimeSpan.FromMilliseconds(300) }),
            Options.Create(new CacheOptions { AgentExpiration = AgentExpiration }),
            TimeProvider.System,
            NullLogger<DirectoryVersionPublisher>.Instance);

    private async Task<TimeSpan?> TimeToLiveAsync(RedisServer redis)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using (multiplexer)
        {
            return await multiplexer.GetDatabase().KeyTimeToLiveAsync(_prefix + "directory");
        }
    }
}
