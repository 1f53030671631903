using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using AgentMesh.Agents;
using AgentMesh.Caching;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Telemetry;
using AgentMesh.Tenants;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Engine;

/// <summary>
/// The mesh: live state of tenants, agents and unfinished tasks, routing, leases and retries.
/// All state changes happen under one lock, in memory, and are written through the group-commit
/// pipeline in the same order; no caller is answered, and no agent handed work, before the change
/// is durable. Finished tasks leave memory once written and are read from the store, through the read cache when the
/// node has one.
/// </summary>
public sealed partial class MeshEngine : IHostedService, IAsyncDisposable
{
    private readonly IMeshStore _store;
    private readonly TimeProvider _time;
    private readonly MeshEngineOptions _options;
    private readonly ILogger<MeshEngine> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiKeyRecord> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, LiveTask> _tasks = [];
    private readonly Dictionary<(string Tenant, string Key), IdempotencyRecord> _idempotency = [];
    private readonly Queue<TenantState> _ready = new();
    private readonly PriorityQueue<(Guid Task, string Token), long> _leaseExpiries = new();
    private readonly PriorityQueue<(Guid Task, long Version), long> _retries = new();
    private readonly PriorityQueue<Guid, long> _deadlines = new();
    private readonly PriorityQueue<(Guid Task, long Version), long> _exclusionExpiries = new();
    private readonly Channel<bool> _dispatchSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CommitPipeline _commits;
    private readonly MeshMetrics _metrics;
    private readonly Random _random = new();
    private readonly Ids.TimeOrderedIds _taskIds;
    private readonly CancellationTokenSource _stopping = new();
    private readonly FinishedTaskCache? _finishedTasks;
    private readonly IDirectoryChangeListener? _directoryChanges;
    private Task? _commitLoop;
    private Task? _warming;
    private Task? _dispatchLoop;
    private Task? _sweepLoop;
    private long _assignTick;
    private int _reloadRequested;
    private int _reloading;

    public MeshEngine(
        IMeshStore store,
        IOptions<MeshEngineOptions> options,
        TimeProvider time,
        ILogger<MeshEngine> logger,
        IMeterFactory? meterFactory = null,
        FinishedTaskCache? finishedTasks = null,
        IDirectoryChangeListener? directoryChanges = null)
    {
        _store = store;
        _finishedTasks = finishedTasks;
        _directoryChanges = directoryChanges;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _taskIds = new Ids.TimeOrderedIds(time);
        _metrics = new MeshMetrics(meterFactory, ObserveTasks, ObserveAgents, ObserveSlots, () => Events.Overflows);
        _commits = new CommitPipeline(store, _options.CommitQueueCapacity, _options.CommitBatchSize, _metrics, logger)
        {
            Committed = OnCommitted,
            Diverged = () => Interlocked.Exchange(ref _reloadRequested, 1),
            Revived = finishedTasks is null ? null : revived => finishedTasks.ForgetAsync(revived, CancellationToken.None),
        };
    }

    /// <summary>Live event fan-out for streams.</summary>
    public EventHub Events { get; } = new();

    public IMeshStore Store => _store;

    /// <summary>The read cache of finished tasks; null when caching is off.</summary>
    public FinishedTaskCache? FinishedTasks => _finishedTasks;

    public bool IsRunning { get; private set; }

    /// <summary>
    /// True from a write the store refused until the state has been reloaded from it: the node is not ready then,
    /// and changes are refused (503) until the reload is done.
    /// </summary>
    public bool IsDiverged => _commits.IsRefusing || Volatile.Read(ref _reloadRequested) == 1 || Volatile.Read(ref _reloading) == 1;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken);
        await LoadAsync(cancellationToken);
        _commitLoop = _commits.RunAsync(CancellationToken.None);
        _dispatchLoop = DispatchLoopAsync(_stopping.Token);
        _sweepLoop = SweepLoopAsync(_stopping.Token);
        IsRunning = true;
        LogStarted(_logger, _tenants.Count, _tasks.Count);
        if (_finishedTasks is { } cache)
        {
            string[] tenants;
            lock (_gate)
            {
                tenants = [.. _tenants.Keys];
            }

            // In the background: the node serves meanwhile, and a read the warming has not reached yet fills the cache itself.
            _warming = Task.Run(() => cache.WarmAsync(_store, tenants, _stopping.Token), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            return;
        }

        IsRunning = false;
        await _stopping.CancelAsync();
        await WhenStopped(_dispatchLoop);
        await WhenStopped(_sweepLoop);
        await WhenStopped(_warming);
        _commits.Complete();
        await WhenStopped(_commitLoop);
        lock (_gate)
        {
            ReleaseWaitingPolls();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
        _commits.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Answers every waiting long poll at once, with nothing. Call under the lock.</summary>
    private void ReleaseWaitingPolls()
    {
        foreach (var tenant in _tenants.Values)
        {
            foreach (var agent in tenant.Agents.Values)
            {
                agent.Waiter?.Signal.TrySetResult(false);
            }
        }
    }

    private static async Task WhenStopped(Task? loop)
    {
        if (loop is null)
        {
            return;
        }

        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var tenants = await _store.LoadTenantsAsync(cancellationToken);
        var keys = await _store.LoadKeysAsync(cancellationToken);
        var agents = await _store.LoadAgentsAsync(cancellationToken);
        var tasks = await _store.LoadUnfinishedTasksAsync(cancellationToken);
        var idempotency = await _store.LoadIdempotencyKeysAsync(_time.GetUtcNow() - _options.IdempotencyWindow, cancellationToken);
        lock (_gate)
        {
            // A reload replaces every agent's live state: polls waiting on the old one answer now (empty) and come
            // back to the new one, instead of sleeping out their wait while work is delivered elsewhere.
            ReleaseWaitingPolls();
            _tenants.Clear();
            _keys.Clear();
            _tasks.Clear();
            _idempotency.Clear();
            _ready.Clear();
            _leaseExpiries.Clear();
            _retries.Clear();
            _deadlines.Clear();
            _exclusionExpiries.Clear();
            foreach (var tenant in tenants)
            {
                _tenants[tenant.Id] = new TenantState(tenant, _options.RoutingWeights);
            }

            foreach (var key in keys)
            {
                _keys[key.Id] = key;
            }

            foreach (var record in agents)
            {
                if (_tenants.TryGetValue(record.Tenant, out var tenant))
                {
                    tenant.Agents[record.Id] = new LiveAgent(record, tenant);
                }
            }

            foreach (var entry in idempotency)
            {
                _idempotency[(entry.Tenant, entry.Key)] = new IdempotencyRecord(entry.TaskId, entry.CreatedAt, Task.CompletedTask);
            }

            foreach (var snapshot in tasks)
            {
                if (_tenants.TryGetValue(snapshot.Tenant, out var tenant))
                {
                    Restore(tenant, snapshot);
                }
            }
        }
    }

    /// <summary>Puts a stored unfinished task back where it was: queue, backoff, or a lease held by its agent.</summary>
    private void Restore(TenantState tenant, MeshTask snapshot)
    {
        var task = new LiveTask(snapshot, tenant);
        _tasks[snapshot.Id] = task;
        tenant.Unfinished++;
        if (snapshot.Deadline is { } deadline)
        {
            _deadlines.Enqueue(snapshot.Id, deadline.UtcTicks);
        }

        switch (snapshot.Status)
        {
            case MeshTaskStatus.Queued:
                Enqueue(task);
                break;
            case MeshTaskStatus.Pending:
                _retries.Enqueue((snapshot.Id, snapshot.Version), (snapshot.NextAttemptAt ?? _time.GetUtcNow()).UtcTicks);
                break;
            case MeshTaskStatus.Running when snapshot.AgentId is not null && snapshot.LeaseToken is not null:
                if (tenant.Agents.TryGetValue(snapshot.AgentId, out var agent))
                {
                    agent.Leases.Add(snapshot.Id);
                }

                _leaseExpiries.Enqueue((snapshot.Id, snapshot.LeaseToken), (snapshot.LeaseExpiresAt ?? _time.GetUtcNow()).UtcTicks);
                break;
        }
    }

    /// <summary>
    /// After a write the store refused, memory is rebuilt from the store so nothing unwritten is acted on. The commit
    /// pipeline takes no new change sets from the refused write on; the reload waits for those taken before to land
    /// or fail, reads the store, and only then takes changes again — so every acknowledged change is in what it reads.
    /// </summary>
    private async Task ReloadIfDivergedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _reloadRequested) == 0 || Interlocked.CompareExchange(ref _reloading, 1, 0) != 0)
        {
            return;
        }

        LogReloading(_logger);
        try
        {
            await _commits.DrainAsync(cancellationToken);
            Interlocked.Exchange(ref _reloadRequested, 0);
            await LoadAsync(cancellationToken);
            _commits.Resume();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store is still unreachable: stay diverged, so the next round tries again.
            Interlocked.Exchange(ref _reloadRequested, 1);
            throw;
        }
        finally
        {
            Volatile.Write(ref _reloading, 0);
        }

        lock (_gate)
        {
            foreach (var tenant in _tenants.Values)
            {
                MarkReady(tenant);
            }
        }

        // The load put tenants with queued work in the ring already, and its wake-up may have reached the dispatcher while
        // the engine was still diverged (and been dropped there): wake it now that it can act, or it would wait for a
        // tenant that is already in the ring and never signals again.
        _dispatchSignal.Writer.TryWrite(true);
    }

    private void OnCommitted(IReadOnlyList<PendingCommit> batch)
    {
        List<MeshEvent>? events = null;
        List<(MeshTask Task, string? ReportTraceParent)>? terminal = null;
        lock (_gate)
        {
            foreach (var commit in batch)
            {
                if (commit.Deliveries is { } deliveries)
                {
                    foreach (var (agent, assignment) in deliveries)
                    {
                        Deliver(agent, assignment);
                    }
                }

                if (commit.Finished is { } finished)
                {
                    foreach (var task in finished)
                    {
                        (terminal ??= []).Add((task.Snapshot, task.ReportTraceParent));
                        if (_tasks.TryGetValue(task.Id, out var current) && ReferenceEquals(current, task)
                            && task.Snapshot.Status.IsTerminal() && task.Snapshot.Version == task.FinishedVersion)
                        {
                            _tasks.Remove(task.Id);
                        }
                    }
                }

                if (commit.Changes.Events.Count > 0)
                {
                    (events ??= []).AddRange(commit.Changes.Events);
                }
            }
        }

        if (terminal is not null)
        {
            foreach (var (task, reportTraceParent) in terminal)
            {
                _metrics.Completed(task);
                MeshActivities.Complete(task, reportTraceParent);
            }
        }

        if (events is not null)
        {
            Events.Publish(events);
        }
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Enqueues the commit, or gives the reserved place back when it writes nothing. Under the lock.</summary>
    private PendingCommit? EnqueueOrRelease(PendingCommit commit)
    {
        if (commit.Changes.IsEmpty)
        {
            _commits.Release();
            return null;
        }

        return _commits.Enqueue(commit);
    }

    private static Task WhenCommitted(PendingCommit? commit) => commit?.Completion ?? Task.CompletedTask;

    private MeshEvent MakeEvent(string type, MeshTask task, string? reason = null) => new()
    {
        Id = Guid.CreateVersion7(Now),
        Tenant = task.Tenant,
        Type = type,
        Subject = $"tasks/{task.Id}",
        Time = Now,
        TaskId = task.Id,
        AgentId = task.AgentId,
        TraceParent = task.TraceParent,
        Data = JsonSerializer.SerializeToUtf8Bytes(
            new TaskEventData(
                task.Id,
                task.Type,
                task.Status,
                task.Priority,
                task.Attempts.Count > 0 ? task.Attempts[^1].Number : null,
                task.AgentId ?? (task.Attempts.Count > 0 ? task.Attempts[^1].AgentId : null),
                task.Error,
                task.Progress,
                reason,
                task.NextAttemptAt,
                task.CorrelationId),
            CoreJsonContext.Default.TaskEventData),
    };

    private MeshEvent MakeEvent(string type, LiveAgent agent, string? reason = null) => new()
    {
        Id = Guid.CreateVersion7(Now),
        Tenant = agent.Tenant.Id,
        Type = type,
        Subject = $"agents/{agent.Id}",
        Time = Now,
        AgentId = agent.Id,
        Data = JsonSerializer.SerializeToUtf8Bytes(new AgentEventData(agent.Id, agent.Status, agent.Record.Name, reason), CoreJsonContext.Default.AgentEventData),
    };

    private sealed record IdempotencyRecord(Guid TaskId, DateTimeOffset CreatedAt, Task Committed);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Mesh engine started with {Tenants} tenants and {Tasks} unfinished tasks")]
    private static partial void LogStarted(ILogger logger, int tenants, int tasks);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Reloading state from the store after a failed write")]
    private static partial void LogReloading(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "The engine's {Loop} loop failed a round; it goes on at the next one")]
    private static partial void LogLoopFailed(ILogger logger, string loop, Exception exception);

    /// <summary>Runs one round of a background loop; a failure (the store unreachable while reloading, say) is logged, never the end of the loop.</summary>
    private async Task<bool> RoundAsync(string loop, Func<Task> round, CancellationToken cancellationToken)
    {
        try
        {
            await round();
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            LogLoopFailed(_logger, loop, exception);
            return false;
        }
    }
}
