using AgentMesh.Scheduling;
using AgentMesh.Tasks;

namespace AgentMesh.Engine;

/// <summary>An unfinished task's live state inside the engine. Guarded by the engine's lock.</summary>
internal sealed class LiveTask(MeshTask snapshot, TenantState tenant)
{
    /// <summary>The latest version; replaced, never mutated.</summary>
    public MeshTask Snapshot { get; set; } = snapshot;

    public TenantState Tenant { get; } = tenant;

    public Guid Id => Snapshot.Id;

    /// <summary>Agents that declined this task; they are not offered it again.</summary>
    public HashSet<string>? Excluded { get; set; }

    /// <summary>The agent of the last failed or timed-out attempt: chosen again only if no other candidate exists.</summary>
    public string? AvoidAgent { get; set; }

    /// <summary>Where the task waits while queued, and the stamp that tells a stale queue entry from a live one.</summary>
    public TaskGroup? Group { get; set; }

    public long QueueStamp { get; set; }

    /// <summary>The trace context of the handler that reported the current attempt's result; the completion span continues it.</summary>
    public string? ReportTraceParent { get; set; }

    /// <summary>Stamp of the commit that made the task terminal; once that commit lands the task leaves memory.</summary>
    public long FinishedVersion { get; set; }
}
