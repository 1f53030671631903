using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Tasks;
using AgentMesh.Tenants;

namespace AgentMesh.Storage;

/// <summary>A store that keeps everything in memory: for tests of the engine, and for nothing durable.</summary>
public sealed class InMemoryMeshStore : IMeshStore, IEventOutbox
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiKeyRecord> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), AgentRecord> _agents = [];
    private readonly Dictionary<Guid, MeshTask> _tasks = [];
    private readonly List<MeshEvent> _events = [];
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private long _sequence;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CommitAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
    {
        // All or nothing, like a transaction: everything is checked before anything is applied.
        foreach (var change in changes)
        {
            if (change is null || change.Tenants.Contains(null!) || change.Keys.Contains(null!) || change.Agents.Contains(null!)
                || change.Tasks.Contains(null!) || change.Events.Contains(null!))
            {
                throw new ArgumentException("A change set holds a missing entity; nothing was written.", nameof(changes));
            }
        }

        lock (_gate)
        {
            foreach (var change in changes)
            {
                foreach (var tenant in change.Tenants)
                {
                    _tenants[tenant.Id] = tenant;
                }

                foreach (var key in change.Keys)
                {
                    _keys[key.Id] = key;
                }

                foreach (var agent in change.Agents)
                {
                    _agents[(agent.Tenant, agent.Id)] = agent;
                }

                foreach (var task in change.Tasks)
                {
                    if (!_tasks.TryGetValue(task.Id, out var stored) || stored.Version < task.Version)
                    {
                        _tasks[task.Id] = task;
                    }
                }

                foreach (var meshEvent in change.Events)
                {
                    meshEvent.Sequence = ++_sequence;
                    _events.Add(meshEvent);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Tenant>> LoadTenantsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Tenant>>([.. _tenants.Values]);
        }
    }

    public Task<IReadOnlyList<ApiKeyRecord>> LoadKeysAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. _keys.Values]);
        }
    }

    public Task<IReadOnlyList<AgentRecord>> LoadAgentsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<AgentRecord>>([.. _agents.Values]);
        }
    }

    public Task<IReadOnlyList<MeshTask>> LoadUnfinishedTasksAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<MeshTask>>([.. _tasks.Values.Where(static t => !t.Status.IsTerminal()).OrderBy(static t => t.Id.ToString())]);
        }
    }

    public Task<IReadOnlyList<IdempotencyEntry>> LoadIdempotencyKeysAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<IdempotencyEntry>>(
                [.. _tasks.Values.Where(t => t.IdempotencyKey is not null && t.CreatedAt >= since).Select(static t => new IdempotencyEntry(t.Tenant, t.IdempotencyKey!, t.Id, t.CreatedAt))]);
        }
    }

    public Task<MeshTask?> GetTaskAsync(string tenant, Guid id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_tasks.TryGetValue(id, out var task) && task.Tenant == tenant ? task : null);
        }
    }

    public Task<TaskPage> ListTasksAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var cursor = query.Cursor?.ToString();
            var items = _tasks.Values
                .Where(t => t.Tenant == query.Tenant
                    && (query.Status is null || t.Status == query.Status)
                    && (query.Type is null || t.Type == query.Type)
                    && (query.AgentId is null || t.AgentId == query.AgentId)
                    && (query.CorrelationId is null || t.CorrelationId == query.CorrelationId)
                    && (query.ParentTaskId is null || t.ParentTaskId == query.ParentTaskId)
                    && (cursor is null || string.CompareOrdinal(t.Id.ToString(), cursor) < 0))
                .OrderByDescending(static t => t.Id.ToString(), StringComparer.Ordinal)
                .Take(query.Limit + 1)
                .ToList();
            Guid? next = null;
            if (items.Count > query.Limit)
            {
                items.RemoveAt(items.Count - 1);
                next = items[^1].Id;
            }

            return Task.FromResult(new TaskPage(items, next));
        }
    }

    public Task<IReadOnlyList<MeshEvent>> ReadEventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<MeshEvent>>(
                [.. _events.Where(e => e.Tenant == query.Tenant
                        && e.Sequence > query.AfterSequence
                        && (query.TaskId is null || e.TaskId == query.TaskId)
                        && (query.Types is null || query.Types.Count == 0 || query.Types.Contains(e.Type)))
                    .Take(query.Limit)]);
        }
    }

    /// <summary>Oldest first; <paramref name="limit"/> is clamped to 1–10000.</summary>
    public Task<IReadOnlyList<MeshEvent>> ReadOutboxAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Sequences are dense and start at 1, so the first later event sits at index afterSequence.
            var start = (int)Math.Clamp(afterSequence, 0, _events.Count);
            var count = Math.Min(Math.Clamp(limit, 1, 10_000), _events.Count - start);
            return Task.FromResult<IReadOnlyList<MeshEvent>>(_events.GetRange(start, count));
        }
    }

    public Task<long> LastSequenceAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_sequence);
        }
    }

    public Task<long> LoadCursorAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_gate)
        {
            return Task.FromResult(_cursors.GetValueOrDefault(name));
        }
    }

    public Task SaveCursorAsync(string name, long sequence, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        lock (_gate)
        {
            if (sequence > _cursors.GetValueOrDefault(name))
            {
                _cursors[name] = sequence;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
