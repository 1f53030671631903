using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Storage;
using AgentMesh.Tasks;
using AgentMesh.Tenants;

namespace AgentMesh.Core.Tests.Engine;

/// <summary>The in-memory store, with writes that can be refused and a reload that can be held after it has read.</summary>
internal sealed class FaultyStore(InMemoryMeshStore inner) : IMeshStore
{
    private volatile bool _refuseWrites;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holdNext;

    /// <summary>Set when a load of unfinished tasks has read the store and waits for <see cref="ReleaseLoad"/>.</summary>
    public TaskCompletionSource LoadHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void RefuseWrites(bool refuse) => _refuseWrites = refuse;

    /// <summary>The next load of unfinished tasks reads the store, then waits before it answers.</summary>
    public void HoldNextLoad() => Volatile.Write(ref _holdNext, 1);

    public void ReleaseLoad() => _release.TrySetResult();

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task CommitAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) =>
        _refuseWrites ? Task.FromException(new IOException("the store is unreachable")) : inner.CommitAsync(changes, cancellationToken);

    public Task<IReadOnlyList<Tenant>> LoadTenantsAsync(CancellationToken cancellationToken) => inner.LoadTenantsAsync(cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> LoadKeysAsync(CancellationToken cancellationToken) => inner.LoadKeysAsync(cancellationToken);

    public Task<IReadOnlyList<AgentRecord>> LoadAgentsAsync(CancellationToken cancellationToken) => inner.LoadAgentsAsync(cancellationToken);

    public async Task<IReadOnlyList<MeshTask>> LoadUnfinishedTasksAsync(CancellationToken cancellationToken)
    {
        var tasks = await inner.LoadUnfinishedTasksAsync(cancellationToken);
        if (Interlocked.Exchange(ref _holdNext, 0) == 1)
        {
            LoadHeld.TrySetResult();
            await _release.Task.WaitAsync(cancellationToken);
        }

        return tasks;
    }

    public Task<IReadOnlyList<IdempotencyEntry>> LoadIdempotencyKeysAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.LoadIdempotencyKeysAsync(since, cancellationToken);

    public Task<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken) => inner.GetTaskAsync(tenant, id, cancellationToken);

    public Task<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken) => inner.ListTasksAsync(query, cancellationToken);

    public Task<IReadOnlyList<MeshEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken) => inner.ReadEventsAsync(query, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(!_refuseWrites);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
