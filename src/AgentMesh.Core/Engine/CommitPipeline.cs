using System.Diagnostics;
using System.Threading.Channels;
using AgentMesh.Storage;
using AgentMesh.Telemetry;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Engine;

/// <summary>
/// Group commit. Engine operations enqueue their change sets in the order they changed memory (under
/// the engine's lock); one loop writes everything waiting in a single store transaction, so the cost of
/// a transaction (an fsync) is shared by every operation that arrived meanwhile. The queue is bounded:
/// callers reserve a place before taking the lock (<see cref="ReserveAsync"/>), and wait when it is full.
/// From the first change set the store refuses until the engine has reloaded its state, the pipeline takes no
/// new change sets (<see cref="StoreUnavailableException"/>, 503 to callers): a change accepted meanwhile could land
/// in the store after the reload read it, and be missing from memory afterwards.
/// </summary>
internal sealed partial class CommitPipeline : IDisposable
{
    private static readonly TimeSpan DrainPollInterval = TimeSpan.FromMilliseconds(5);

    private readonly IMeshStore _store;
    private readonly Channel<PendingCommit> _channel;
    private readonly SemaphoreSlim _places;
    private readonly int _maxBatch;
    private readonly MeshMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _admission = new();
    private bool _refusing;
    private int _outstanding;

    public CommitPipeline(IMeshStore store, int capacity, int maxBatch, MeshMetrics metrics, ILogger logger)
    {
        _store = store;
        _maxBatch = maxBatch;
        _metrics = metrics;
        _logger = logger;
        _places = new SemaphoreSlim(capacity, capacity);
        _channel = Channel.CreateBounded<PendingCommit>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Called with the committed batch, in order, before callers are released.</summary>
    public Action<IReadOnlyList<PendingCommit>>? Committed { get; set; }

    /// <summary>
    /// Called with the tasks a committed change set revived, after it is durable and before <see cref="Committed"/> and its
    /// caller are: a later commit that finishes such a task again cannot take it out of memory before this has run.
    /// </summary>
    public Func<IReadOnlyList<Tasks.MeshTask>, ValueTask>? Revived { get; set; }

    /// <summary>Called when a change set could not be written: the engine's memory is ahead of the store.</summary>
    public Action? Diverged { get; set; }

    public long Batches { get; private set; }

    /// <summary>Change sets waiting for the store.</summary>
    public int Depth => _channel.Reader.Count;

    /// <summary>True from a refused write until <see cref="Resume"/>: no change set is taken meanwhile.</summary>
    public bool IsRefusing => Volatile.Read(ref _refusing);

    public ValueTask ReserveAsync(CancellationToken cancellationToken)
    {
        if (IsRefusing)
        {
            throw Reloading();
        }

        return _places.Wait(0, CancellationToken.None) ? ValueTask.CompletedTask : new ValueTask(_places.WaitAsync(cancellationToken));
    }

    public void Release() => _places.Release();

    /// <summary>Must be called under the engine's lock, after <see cref="ReserveAsync"/>.</summary>
    public PendingCommit Enqueue(PendingCommit commit)
    {
        lock (_admission)
        {
            if (_refusing)
            {
                _places.Release();
                throw Reloading();
            }

            if (!_channel.Writer.TryWrite(commit))
            {
                // Only after Complete(): the node is stopping. The caller gets 503 and retries elsewhere or later.
                _places.Release();
                throw new StoreUnavailableException("The node is stopping and takes no more changes.");
            }

            Interlocked.Increment(ref _outstanding);
        }

        return commit;
    }

    /// <summary>
    /// Takes no new change sets, and completes once every one taken before has been written or has failed: the
    /// store then holds everything the engine acknowledged, and a reload may read it.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Refuse();
        while (Volatile.Read(ref _outstanding) > 0)
        {
            await Task.Delay(DrainPollInterval, cancellationToken);
        }
    }

    /// <summary>Takes change sets again, after the engine's state was reloaded from the store.</summary>
    public void Resume()
    {
        lock (_admission)
        {
            _refusing = false;
        }
    }

    private void Refuse()
    {
        lock (_admission)
        {
            _refusing = true;
        }
    }

    private void Settled(int count) => Interlocked.Add(ref _outstanding, -count);

    private static StoreUnavailableException Reloading() =>
        new("The node is reloading its state after a write the store refused; retry shortly.");

    public void Complete() => _channel.Writer.TryComplete();

    public void Dispose() => _places.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingCommit>(_maxBatch);
        var changes = new List<ChangeSet>(_maxBatch);
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            changes.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var commit))
            {
                batch.Add(commit);
                changes.Add(commit.Changes);
            }

            _places.Release(batch.Count);
            try
            {
                var started = Stopwatch.GetTimestamp();
                await _store.CommitAsync([Coalesce(changes)], cancellationToken);
                _metrics.Committed(batch.Count, Stopwatch.GetElapsedTime(started));
                Batches++;
                await ForgetRevivedAsync(batch);
                Committed?.Invoke(batch);
                foreach (var commit in batch)
                {
                    commit.Succeed();
                }
            }
            catch (StoreUnavailableException exception)
            {
                // The store is out of reach, too slow or behind an open breaker: one by one would only make every
                // caller wait for its own timeout, so the whole group fails at once and is retried by its callers.
                FailAll(batch, exception);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await CommitOneByOneAsync(batch, exception, cancellationToken);
            }
            finally
            {
                Settled(batch.Count);
            }
        }
    }

    /// <summary>
    /// One change set for the whole group: a task changed several times in the group (submitted, assigned
    /// and completed while one commit was in flight) is written once, at its newest version; every event
    /// is kept, in order. Fewer row writes is what lets one transaction carry more operations.
    /// </summary>
    internal static ChangeSet Coalesce(List<ChangeSet> changes)
    {
        var merged = new ChangeSet();
        var newest = new Dictionary<Guid, int>();
        var tasks = new List<Tasks.MeshTask>();
        var created = new HashSet<Guid>();
        foreach (var change in changes)
        {
            foreach (var tenant in change.Tenants)
            {
                merged.Put(tenant);
            }

            foreach (var key in change.Keys)
            {
                merged.Put(key);
            }

            foreach (var agent in change.Agents)
            {
                merged.Put(agent);
            }

            foreach (var task in change.Tasks)
            {
                if (change.IsCreated(task.Id))
                {
                    created.Add(task.Id);
                }

                if (newest.TryGetValue(task.Id, out var at))
                {
                    if (task.Version > tasks[at].Version)
                    {
                        tasks[at] = task;
                    }
                }
                else
                {
                    newest[task.Id] = tasks.Count;
                    tasks.Add(task);
                }
            }

            foreach (var meshEvent in change.Events)
            {
                merged.Add(meshEvent);
            }
        }

        foreach (var task in tasks)
        {
            if (created.Contains(task.Id))
            {
                merged.PutCreated(task);
            }
            else
            {
                merged.Put(task);
            }
        }

        return merged;
    }

    private async ValueTask ForgetRevivedAsync(List<PendingCommit> batch)
    {
        if (Revived is not { } revived)
        {
            return;
        }

        foreach (var commit in batch)
        {
            if (commit.Revived is { } tasks)
            {
                await revived(tasks);
            }
        }
    }

    private void FailAll(List<PendingCommit> batch, StoreUnavailableException exception)
    {
        LogGroupUnavailable(_logger, batch.Count, exception);

        // Refuse new changes before any caller hears of the failure and tries again.
        Refuse();
        Diverged?.Invoke();
        foreach (var commit in batch)
        {
            commit.Fail(new StoreUnavailableException("The change could not be written to the store.", exception));
        }
    }

    /// <summary>After a failed group, each change set goes alone, so one bad write fails only its own caller.</summary>
    private async Task CommitOneByOneAsync(List<PendingCommit> batch, Exception groupFailure, CancellationToken cancellationToken)
    {
        LogGroupCommitFailed(_logger, batch.Count, groupFailure);
        var diverged = false;
        var landed = new List<PendingCommit>(1);
        foreach (var commit in batch)
        {
            try
            {
                await _store.CommitAsync([commit.Changes], cancellationToken);
                landed.Clear();
                landed.Add(commit);
                await ForgetRevivedAsync(landed);
                Committed?.Invoke(landed);
                commit.Succeed();
            }
            catch (Exception exception)
            {
                // From here on memory is ahead of the store: nothing new is taken until the engine reloads.
                Refuse();
                diverged = true;
                LogCommitFailed(_logger, exception);
                commit.Fail(new StoreUnavailableException("The change could not be written to the store.", exception));
            }
        }

        if (diverged)
        {
            Diverged?.Invoke();
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "A group commit of {Count} change sets failed; writing them one by one")]
    private static partial void LogGroupCommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "A group commit of {Count} change sets failed because the store is unavailable; every one of them is refused")]
    private static partial void LogGroupUnavailable(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "A change set could not be written to the store")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception);
}

/// <summary>The store could not take a write; the operation did not happen and may be retried.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
