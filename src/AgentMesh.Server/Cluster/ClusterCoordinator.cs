using AgentMesh.Engine;
using AgentMesh.PostgreSql;
using AgentMesh.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AgentMesh.Server.Cluster;

/// <summary>
/// Runs a cluster node's side of the leader lease. Exactly one node of a cluster leads: it runs the engine
/// (the one writer of tasks, agents and leases, fenced in PostgreSQL by its epoch) and renews its lease;
/// every other node follows and forwards the API to it. A follower that finds the lease expired takes it,
/// loads the state from PostgreSQL and leads. A leader that learns it was deposed stops the process: its
/// writes are already refused by the fence, and a fresh start makes it a clean follower.
/// </summary>
internal sealed partial class ClusterCoordinator(
    ClusterState state,
    MeshEngine engine,
    PostgresLeadership leadership,
    PostgresMeshStore store,
    BootstrapKey bootstrapKey,
    IServer server,
    TimeProvider time,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<ClusterOptions> options,
    ILogger<ClusterCoordinator> logger,
    DirectoryVersionPublisher? directory = null) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private Task? _warming;
    private string _url = "";

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Once the node listens: the first look at the lease (leading at once if it is free), then the loop.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        _url = options.Value.AdvertiseUrl
            ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"The node's address is unknown: set {ClusterOptions.Section}:AdvertiseUrl.");
        _url = _url.TrimEnd('/');
        await store.InitializeAsync(cancellationToken);
        await CheckAsync(cancellationToken);
        _loop = LoopAsync(_stopping.Token);
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A leader drains the engine's commits, then gives the lease up so a follower takes over at once.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_warming is not null)
        {
            await _warming.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (state.Role == ClusterRole.Leader)
        {
            await engine.StopAsync(cancellationToken);
            try
            {
                await leadership.ReleaseAsync(state.NodeId, state.Epoch, cancellationToken);
                LogReleased(logger, state.NodeId, state.Epoch);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
            {
                LogReleaseFailed(logger, exception);
            }
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await CheckAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException or StoreUnavailableException && !cancellationToken.IsCancellationRequested)
                {
                    // PostgreSQL unreachable: a leader's commits fail anyway; the lease decides once it answers again.
                    LogCheckFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var lease = options.Value.LeaseDuration;
        var asked = time.GetTimestamp();
        if (state.Role == ClusterRole.Leader)
        {
            if (!await leadership.RenewAsync(state.NodeId, state.Epoch, lease, cancellationToken))
            {
                LogDeposed(logger, state.NodeId, state.Epoch);
                lifetime.StopApplication();
                return;
            }

            state.Held(HeldUntil(asked, lease));
            return;
        }

        var leader = await leadership.ReadAsync(cancellationToken);
        if (leader is not null && leader.NodeId != state.NodeId && leader.Url != _url)
        {
            if (state.LeaderUrl?.ToString().TrimEnd('/') != leader.Url || state.Epoch != leader.Epoch)
            {
                LogFollowing(logger, leader.NodeId, leader.Url, leader.Epoch);
            }

            state.Follow(new Uri(leader.Url), leader.Epoch);
            if (_warming is null && services.GetService<FollowerReads>() is { } reads)
            {
                // Resolved only now: the caches' metrics exist once the host has started.
                _warming = Task.Run(() => reads.WarmAsync(_stopping.Token), CancellationToken.None);
            }

            return;
        }

        if (await leadership.TryAcquireAsync(state.NodeId, _url, lease, cancellationToken) is not { } epoch)
        {
            state.Follow(null, 0);
            return;
        }

        // Fence first: from here on, only this node's commits are accepted, so the state it loads is final.
        state.Held(HeldUntil(asked, lease));
        store.Fence = new LeaderFence(state.NodeId, epoch);
        if (directory is not null)
        {
            // Before anything can change a key: followers learn that the directory they cached belongs to an older leader.
            await directory.StartAsync(epoch, cancellationToken);
        }

        await engine.StartAsync(cancellationToken);
        await bootstrapKey.StartAsync(cancellationToken);
        state.Lead(epoch);
        LogLeading(logger, state.NodeId, _url, epoch);
    }

    private long HeldUntil(long asked, TimeSpan lease) => asked + (long)(lease.TotalSeconds * time.TimestampFrequency);

    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Node {NodeId} leads the cluster at {Url} (epoch {Epoch})")]
    private static partial void LogLeading(ILogger logger, string nodeId, string url, long epoch);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Following leader {LeaderId} at {Url} (epoch {Epoch})")]
    private static partial void LogFollowing(ILogger logger, string leaderId, string url, long epoch);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Critical, Message = "Node {NodeId} lost the leader lease of epoch {Epoch} to another node; stopping")]
    private static partial void LogDeposed(ILogger logger, string nodeId, long epoch);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Checking the leader lease failed; retrying")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2304, Level = LogLevel.Information, Message = "Node {NodeId} released the leader lease of epoch {Epoch}")]
    private static partial void LogReleased(ILogger logger, string nodeId, long epoch);

    [LoggerMessage(EventId = 2305, Level = LogLevel.Warning, Message = "Releasing the leader lease failed; it expires on its own")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
