using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;

namespace AgentMesh.Server.Tests;

/// <summary>The node's real store, counting task reads; the next read can be held after it has read, until released.</summary>
public sealed class ReadCountingStore(IMeshStore inner) : IMeshStore, IEventOutbox
{
    private int _reads;
    private TaskCompletionSource? _held;
    private TaskCompletionSource? _release;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>The next task read reads the store, then waits for <see cref="Release"/>; the task completes once it waits.</summary>
    public Task HoldNextRead()
    {
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _held, held);
        return held.Task;
    }

    public void Release() => _release?.TrySetResult();

    public async Task<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        var task = await inner.GetTaskAsync(tenant, id, cancellationToken);
        if (Interlocked.Exchange(ref _held, null) is { } held)
        {
            held.TrySetResult();
            await _release!.Task.WaitAsync(cancellationToken);
        }

        return task;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task CommitAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) => inner.CommitAsync(changes, cancellationToken);

    public Task<IReadOnlyList<Tenant>> LoadTenantsAsync(CancellationToken cancellationToken) => inner.LoadTenantsAsync(cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> LoadKeysAsync(CancellationToken cancellationToken) => inner.LoadKeysAsync(cancellationToken);

    public Task<IReadOnlyList<AgentRecord>> LoadAgentsAsync(CancellationToken cancellationToken) => inner.LoadAgentsAsync(cancellationToken);

    public Task<IReadOnlyList<MeshTask>> LoadUnfinishedTasksAsync(CancellationToken cancellationToken) => inner.LoadUnfinishedTasksAsync(cancellationToken);

    public Task<IReadOnlyList<IdempotencyEntry>> LoadIdempotencyKeysAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.LoadIdempotencyKeysAsync(since, cancellationToken);

    public Task<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken) => inner.ListTasksAsync(query, cancellationToken);

    public Task<IReadOnlyList<MeshEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken) => inner.ReadEventsAsync(query, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken) => inner.PingAsync(cancellationToken);

    public Task<IReadOnlyList<MeshEvent>> ReadOutboxAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        Outbox.ReadOutboxAsync(afterSequence, limit, cancellationToken);

    public Task<long> LastSequenceAsync(CancellationToken cancellationToken) => Outbox.LastSequenceAsync(cancellationToken);

    public Task<long> LoadCursorAsync(string name, CancellationToken cancellationToken) => Outbox.LoadCursorAsync(name, cancellationToken);

    public Task SaveCursorAsync(string name, long sequence, CancellationToken cancellationToken) => Outbox.SaveCursorAsync(name, sequence, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private IEventOutbox Outbox => (IEventOutbox)inner;
}
