using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Audit;

/// <summary>
/// Appends to this node's chain: callers enqueue events on a bounded channel; one writer assigns sequence numbers,
/// hashes, writes batches in one transaction each and signs checkpoints every <see cref="AuditOptions.CheckpointEvery"/>
/// entries or <see cref="AuditOptions.CheckpointInterval"/>. A full queue makes callers wait; nothing is dropped.
/// </summary>
public sealed partial class AuditAppender : IHostedService, IAsyncDisposable
{
    private readonly IAuditStore _store;
    private readonly AuditSubjects? _subjects;
    private readonly CheckpointSigner _signer;
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Work> _queue;
    private readonly Meter _meter;
    private readonly Counter<long> _appended;
    private readonly Counter<long> _queueFull;
    private readonly Counter<long> _checkpointsSigned;
    private readonly Counter<long> _lostAtShutdown;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Action<IReadOnlyList<AuditEntry>>> _observers = [];
    private ChainTail? _tail;
    private long _checkpointed;
    private DateTimeOffset _checkpointedAt;
    private Task? _writer;
    private Task? _ticker;

    /// <summary>An appender to <paramref name="store"/>; with <paramref name="subjects"/>, personal fields are sealed before they are hashed and stored.</summary>
    public AuditAppender(IAuditStore store, CheckpointSigner signer, AuditOptions options, TimeProvider time, ILogger<AuditAppender> logger, IMeterFactory? meters = null, AuditSubjects? subjects = null)
    {
        _store = store;
        _subjects = subjects;
        _signer = signer;
        _options = options;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _meter = meters?.Create("AgentMesh") ?? new Meter("AgentMesh");
        _appended = _meter.CreateCounter<long>("agentmesh.audit.entries", "{entry}", "Audit entries appended, by outcome.");
        _queueFull = _meter.CreateCounter<long>("agentmesh.audit.queue_full", "{entry}", "Audit entries that waited for room in the writer's queue.");
        _checkpointsSigned = _meter.CreateCounter<long>("agentmesh.audit.checkpoints", "{checkpoint}", "Audit checkpoints signed.");
        _lostAtShutdown = _meter.CreateCounter<long>("agentmesh.audit.lost_at_shutdown", "{entry}", "Audit entries of requests answered after the writer stopped.");
    }

    public string Chain => _options.Chain;

    public byte[] PublicKey => _signer.PublicKey;

    /// <summary>
    /// Calls <paramref name="observer"/> on the writer with every batch once it is stored, in sequence order (alerts).
    /// It must not block: hand the entries to a queue of its own. Register before the node starts.
    /// </summary>
    public void OnStored(Action<IReadOnlyList<AuditEntry>> observer) => _observers.Add(observer);

    /// <summary>Queues an event; waits only while the queue is full. After <see cref="StopAsync"/> events are no longer recorded.</summary>
    public ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var work = new Work(auditEvent, null, false);
        return _queue.Writer.TryWrite(work) ? ValueTask.CompletedTask : WaitForRoomAsync(work, cancellationToken);
    }

    /// <summary>Completes when every event queued before the call is stored.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Work(null, done, false), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Signs a checkpoint now if entries were added since the last one, after everything queued before.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Work(null, done, true), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _tail = await ChainTail.ReadAsync(_store, _subjects, _options.Chain, cancellationToken);
        _checkpointed = _tail.Checkpointed;
        _checkpointedAt = _time.GetUtcNow();
        _writer = Task.Run(WriteAsync, CancellationToken.None);
        _ticker = Task.Run(TickAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_ticker is not null)
        {
            await _ticker;
        }

        // A last checkpoint covers everything written before shutdown.
        await _queue.Writer.WriteAsync(new Work(null, null, true), cancellationToken);
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }

        _stopping.Dispose();
        _meter.Dispose();
    }

    private async ValueTask WaitForRoomAsync(Work work, CancellationToken cancellationToken)
    {
        _queueFull.Add(1);
        try
        {
            await _queue.Writer.WriteAsync(work, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The node is stopping: a request answered after the writer's last batch cannot be recorded.
            _lostAtShutdown.Add(1);
        }
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(_options.CheckpointInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                _queue.Writer.TryWrite(new Work(null, null, true));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteAsync()
    {
        var batch = new List<AuditEntry>(_options.BatchSize);
        var waiting = new List<TaskCompletionSource>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var checkpointAsked = false;

            // A batch ends where a checkpoint is due, so checkpoints fall exactly every CheckpointEvery entries.
            var tail = _tail!;
            var room = (int)Math.Min(_options.BatchSize, _options.CheckpointEvery - (tail.Sequence - _checkpointed));
            while (batch.Count < room && reader.TryRead(out var work))
            {
                if (work.Event is { } e)
                {
                    batch.Add(await NextAsync(tail, e));
                }

                checkpointAsked |= work.Checkpoint;
                if (work.Done is not null)
                {
                    waiting.Add(work.Done);
                    break;
                }
            }

            var now = _time.GetUtcNow();
            var due = tail.Sequence > _checkpointed
                && (tail.Sequence - _checkpointed >= _options.CheckpointEvery || checkpointAsked || now - _checkpointedAt >= _options.CheckpointInterval);
            var checkpoint = due ? tail.Checkpoint(_signer, now) : null;
            if (batch.Count > 0 || checkpoint is not null)
            {
                await StoreAsync(batch, checkpoint);
            }

            foreach (var entry in batch)
            {
                _appended.Add(1, new KeyValuePair<string, object?>("outcome", AuditNames.Of(entry.Event.Outcome)));
            }

            if (batch.Count > 0 && _observers.Count > 0)
            {
                AuditEntry[] stored = [.. batch];
                foreach (var observer in _observers)
                {
                    observer(stored);
                }
            }

            if (checkpoint is not null)
            {
                _checkpointed = checkpoint.TreeSize;
                _checkpointedAt = now;
                _checkpointsSigned.Add(1);
            }

            batch.Clear();
            foreach (var done in waiting)
            {
                done.TrySetResult();
            }

            waiting.Clear();
        }
    }

    private async ValueTask<AuditEntry> NextAsync(ChainTail tail, AuditEvent e)
    {
        var exact = tail.Stamp(e);
        return _subjects is null ? tail.Append(exact, null) : tail.Append(await SealAsync(exact), exact);
    }

    // Sealing may need to store a new subject key; like a batch, it is retried until the store takes it.
    private async ValueTask<AuditEvent> SealAsync(AuditEvent e)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _subjects!.SealAsync(e, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogSealFailed(_logger, exception, attempt);
                await Task.Delay(delay, _time);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    // The batch already holds its sequence numbers and the frontier its leaves, so a failed write is retried as is
    // until the store takes it: a gap or a reordering would break the chain for good.
    private async Task StoreAsync(List<AuditEntry> batch, AuditCheckpoint? checkpoint)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(batch, checkpoint, CancellationToken.None);
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogAppendFailed(_logger, exception, batch.Count, attempt);
                await Task.Delay(delay, _time);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Appending {Count} audit entries failed (attempt {Attempt}); retrying")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int count, int attempt);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Sealing the personal fields of an audit entry failed (attempt {Attempt}); retrying")]
    private static partial void LogSealFailed(ILogger logger, Exception exception, int attempt);

    private readonly record struct Work(AuditEvent? Event, TaskCompletionSource? Done, bool Checkpoint);
}
