using AgentMesh.Caching;
using AgentMesh.Engine;
using AgentMesh.Keys;
using AgentMesh.Redis.Caching;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Cluster;

/// <summary>
/// The leader's side of the directory version (<see cref="RedisDirectoryVersion"/>): <c>{epoch}.{keys}.{agents}</c>
/// (<see cref="FollowerRead"/>), written when the node starts leading, again after every key revocation and every agent
/// registration or change before it is acknowledged, and every third of a lease to keep it from expiring. Each write
/// expires at an absolute time a lease after it was sent, and is sent only while this node surely holds the lease, so
/// neither a late write nor a deposed leader can bring back a version followers trusted. When Redis does not take a new
/// version, a revocation is acknowledged only once every version a follower may still read has expired (at most a lease
/// after the last write sent), an agent change once no cached answer from before it may be used
/// (<see cref="AgentChangedAsync"/>): followers that find no version forward to the leader, which never answers from a
/// cache. Clocks of nodes and Redis are taken to agree within <see cref="Margin"/>.
/// </summary>
internal sealed partial class DirectoryVersionPublisher(
    ClusterState state,
    RedisDirectoryVersion versions,
    IOptions<ClusterOptions> options,
    IOptions<CacheOptions> cache,
    TimeProvider time,
    ILogger<DirectoryVersionPublisher> logger) : IDirectoryChangeListener, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private long _epoch;
    // Changes of this epoch so far, by kind; their sum numbers them. _taken: how many a version Redis took includes.
    private long _keys;
    private long _agents;
    private long _taken = -1;
    private DateTimeOffset _sentUntil;
    private Task? _refresh;
    private int _disposed;

    private TimeSpan Lease => options.Value.LeaseDuration;

    /// <summary>
    /// Starts publishing for <paramref name="epoch"/>, right after this node took the lease: a version an earlier leader
    /// wrote was sent while it held the lease, before now, so it expires at most a lease from now.
    /// </summary>
    public async Task StartAsync(long epoch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _epoch = epoch;
            _keys = 0;
            _agents = 0;
            _taken = -1;
            _sentUntil = time.GetUtcNow() + Lease + Margin;
            await TryWriteAsync();
        }
        finally
        {
            _gate.Release();
        }

        _refresh ??= RefreshAsync(_stopping.Token);
    }

    public ValueTask KeyRevokedAsync(ApiKeyRecord key, CancellationToken cancellationToken) =>
        ChangedAsync($"key {key.Id} was revoked", agent: false, waitAtMost: null);

    /// <summary>
    /// An agent's answers are used for at most <see cref="CacheOptions.AgentExpiration"/> from when they were asked for
    /// (<see cref="Caching.AgentReadCache"/>), so when Redis does not take the new version the change waits that long
    /// (and the clocks' margin both ways), not for every older version to expire.
    /// </summary>
    public ValueTask AgentChangedAsync(string tenant, string agentId, CancellationToken cancellationToken) =>
        ChangedAsync($"agent {tenant}/{agentId} changed", agent: true, cache.Value.AgentExpiration + Margin + Margin);

    private async ValueTask ChangedAsync(string change, bool agent, TimeSpan? waitAtMost)
    {
        long mine;
        DateTimeOffset staleUntil;
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            // Every version sent so far predates the change; the new one may go out late, it only costs a miss.
            if (agent)
            {
                _agents++;
            }
            else
            {
                _keys++;
            }

            mine = _keys + _agents;
            staleUntil = waitAtMost is { } most && time.GetUtcNow() + most < _sentUntil ? time.GetUtcNow() + most : _sentUntil;
            if (await TryWriteAsync())
            {
                return;
            }
        }
        finally
        {
            _gate.Release();
        }

        LogWaiting(logger, change, Math.Ceiling((staleUntil - time.GetUtcNow()).TotalMilliseconds));

        // Until then a follower may still read a version from before the change: try again now and then (or let any
        // newer version taken count), or wait it out. Other changes wait alongside, not behind this one.
        while (time.GetUtcNow() < staleUntil)
        {
            var left = staleUntil - time.GetUtcNow();
            await Task.Delay(left < Retry ? left : Retry, time, CancellationToken.None);
            await _gate.WaitAsync(CancellationToken.None);
            try
            {
                if (_taken >= mine || await TryWriteAsync())
                {
                    return;
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    // Registered as itself and as the engine's change listener, so disposed twice.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_refresh is not null)
        {
            await _refresh.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    /// <summary>How far the clocks of the nodes and Redis may disagree.</summary>
    private static TimeSpan Margin => TimeSpan.FromMilliseconds(250);

    private TimeSpan Retry => Lease / 10;

    // Under the gate. A write that fails may still reach Redis later: its expiry counts as if it had been taken.
    private async ValueTask<bool> TryWriteAsync()
    {
        if (time.GetTimestamp() >= state.LeaseHeldUntil)
        {
            return false;
        }

        var expiresAt = time.GetUtcNow() + Lease;
        if (expiresAt + Margin > _sentUntil)
        {
            _sentUntil = expiresAt + Margin;
        }

        if (!await versions.WriteAsync($"{_epoch}.{_keys}.{_agents}", expiresAt, CancellationToken.None))
        {
            return false;
        }

        _taken = _keys + _agents;
        return true;
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Lease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    await TryWriteAsync();
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 2320, Level = LogLevel.Warning, Message = "Redis did not take the directory version after {Change}; the change is acknowledged once no follower can answer from before it (in {Milliseconds} ms)")]
    private static partial void LogWaiting(ILogger logger, string change, double milliseconds);
}
