using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Tasks;
using AgentMesh.Tenants;

namespace AgentMesh.Storage;

/// <summary>
/// The system of record. The engine holds live state in memory and writes every change through
/// <see cref="CommitAsync"/>, grouping many change sets into one call; a store writes each call in one
/// transaction, so state and the events that record it are never apart. Implementations must pass
/// the conformance suite in AgentMesh.TestKit.
/// </summary>
public interface IMeshStore : IAsyncDisposable
{
    /// <summary>Creates the schema or migrates it to the current version.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the change sets, in order, in one transaction, and assigns each event its
    /// <see cref="MeshEvent.Sequence"/> (increasing in commit order). A task is written only if its
    /// <see cref="MeshTask.Version"/> is higher than the stored one. All or nothing: on any failure nothing is
    /// written, no sequence is consumed, and the call throws. A task's submission fields (tenant, type, input,
    /// requirements, priority, deadline, timeout, max attempts, target agent, strategy, labels, approval,
    /// required success rate, idempotency key, parent, workflow, correlation id, trace parent, created time)
    /// never change after its first version, so a store may write them only once.
    /// </summary>
    Task CommitAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken);

    Task<IReadOnlyList<Tenant>> LoadTenantsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> LoadKeysAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<AgentRecord>> LoadAgentsAsync(CancellationToken cancellationToken);

    /// <summary>Every task not in a terminal status.</summary>
    Task<IReadOnlyList<MeshTask>> LoadUnfinishedTasksAsync(CancellationToken cancellationToken);

    /// <summary>Tasks that carry an idempotency key and were created at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<IdempotencyEntry>> LoadIdempotencyKeysAsync(DateTimeOffset since, CancellationToken cancellationToken);

    Task<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken);

    /// <summary>Newest first; <see cref="TaskQuery.Cursor"/> continues after the last id of the previous page.</summary>
    Task<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken);

    /// <summary>Events of a tenant with a sequence above <see cref="EventQuery.AfterSequence"/>, oldest first.</summary>
    Task<IReadOnlyList<MeshEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>True when the store answers a trivial query.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

public sealed record IdempotencyEntry(string Tenant, string Key, Guid TaskId, DateTimeOffset CreatedAt);

public sealed record TaskQuery
{
    public required string Tenant { get; init; }

    public MeshTaskStatus? Status { get; init; }

    public string? Type { get; init; }

    public string? AgentId { get; init; }

    public string? CorrelationId { get; init; }

    public Guid? ParentTaskId { get; init; }

    /// <summary>1–1000.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Only tasks with a smaller (older) id than this.</summary>
    public Guid? Cursor { get; init; }
}

public sealed record TaskPage(IReadOnlyList<MeshTask> Items, Guid? NextCursor);

public sealed record EventQuery
{
    public required string Tenant { get; init; }

    public long AfterSequence { get; init; }

    /// <summary>Only these types; null or empty for all.</summary>
    public IReadOnlyCollection<string>? Types { get; init; }

    public Guid? TaskId { get; init; }

    /// <summary>1–10000.</summary>
    public int Limit { get; init; } = 1000;
}
