using AgentMesh.Agents;
using AgentMesh.Events;
using AgentMesh.Keys;
using AgentMesh.Tasks;
using AgentMesh.Tenants;

namespace AgentMesh.Storage;

/// <summary>The writes of one engine operation: whole-row upserts and the events that record them.</summary>
public sealed class ChangeSet
{
    private List<Tenant>? _tenants;
    private List<ApiKeyRecord>? _keys;
    private List<AgentRecord>? _agents;
    private List<MeshTask>? _tasks;
    private List<MeshEvent>? _events;
    private HashSet<Guid>? _newTasks;

    public IReadOnlyList<Tenant> Tenants => _tenants ?? (IReadOnlyList<Tenant>)[];

    public IReadOnlyList<ApiKeyRecord> Keys => _keys ?? (IReadOnlyList<ApiKeyRecord>)[];

    public IReadOnlyList<AgentRecord> Agents => _agents ?? (IReadOnlyList<AgentRecord>)[];

    /// <summary>Task snapshots; a store keeps a row only if its version is higher than the stored one.</summary>
    public IReadOnlyList<MeshTask> Tasks => _tasks ?? (IReadOnlyList<MeshTask>)[];

    public IReadOnlyList<MeshEvent> Events => _events ?? (IReadOnlyList<MeshEvent>)[];

    public bool IsEmpty => _tenants is null && _keys is null && _agents is null && _tasks is null && _events is null;

    public ChangeSet Put(Tenant tenant)
    {
        (_tenants ??= []).Add(tenant);
        return this;
    }

    public ChangeSet Put(ApiKeyRecord key)
    {
        (_keys ??= []).Add(key);
        return this;
    }

    public ChangeSet Put(AgentRecord agent)
    {
        (_agents ??= []).Add(agent);
        return this;
    }

    public ChangeSet Put(MeshTask task)
    {
        (_tasks ??= []).Add(task);
        return this;
    }

    /// <summary>Adds a task this change set creates; a store may insert it without looking for an existing row.</summary>
    public ChangeSet PutCreated(MeshTask task)
    {
        (_newTasks ??= []).Add(task.Id);
        return Put(task);
    }

    /// <summary>Whether the task was created by this change set (see <see cref="PutCreated"/>).</summary>
    public bool IsCreated(Guid taskId) => _newTasks?.Contains(taskId) == true;

    public ChangeSet Add(MeshEvent meshEvent)
    {
        (_events ??= []).Add(meshEvent);
        return this;
    }
}
