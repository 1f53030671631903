using AgentMesh.Keys;
using AgentMesh.Redis.Caching;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Cluster;

/// <summary>
/// The leader's side of the directory version (<see cref="RedisDirectoryVersion"/>): <c>{epoch}.{n}</c>, written when the
/// node starts leading, again after every key revocation before it is acknowledged, and every third of a lease to keep
/// it from expiring. Each write expires at an absolute time a lease after it was sent, and is sent only while this node
/// surely holds the lease, so neither a late write nor a deposed leader can bring back a version followers trusted.
/// When Redis does not take a new version, the revocation is acknowledged only once every version a follower may still
/// read has expired (at most a lease after the last write sent): followers that find no version forward to the leader,
/// which never answers from a cache. Clocks of nodes and Redis are taken to agree within <see cref="Margin"/>.
/// </summary>
internal sealed partial class DirectoryVersionPublisher(
    ClusterState state,
    RedisDirectoryVersion versions,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<DirectoryVersionPublisher> logger) : IKeyRevocationListener, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private long _epoch;
    private long _change;
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
            _change = 0;
            _sentUntil = time.GetUtcNow() + Lease + Margin;
            await TryWriteAsync();
        }
        finally
        {
            _gate.Release();
        }

        _refresh ??= RefreshAsync(_stopping.Token);
    }

    public async ValueTask RevokedAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            // Every version sent so far predates the revocation; the new one may go out late, it only costs a miss.
            _change++;
            var staleUntil = _sentUntil;
            if (await TryWriteAsync())
            {
                return;
            }

            LogWaiting(logger, key.Id, Math.Ceiling((staleUntil - time.GetUtcNow()).TotalMilliseconds));

            // Until then a follower may still read a version it trusts: try again now and then, or wait it out.
            while (time.GetUtcNow() < staleUntil)
            {
                var left = staleUntil - time.GetUtcNow();
                await Task.Delay(left < Retry ? left : Retry, time, CancellationToken.None);
                if (await TryWriteAsync())
                {
                    return;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Registered as itself and as the engine's revocation listener, so disposed twice.
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

        return await versions.WriteAsync($"{_epoch}.{_change}", expiresAt, CancellationToken.None);
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

    [LoggerMessage(EventId = 2320, Level = LogLevel.Warning, Message = "Redis did not take the directory version after key {KeyId} was revoked; the revocation is acknowledged once every older version has expired (in {Milliseconds} ms)")]
    private static partial void LogWaiting(ILogger logger, string keyId, double milliseconds);
}
