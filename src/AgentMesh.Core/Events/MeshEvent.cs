namespace AgentMesh.Events;

/// <summary>
/// A domain event, written in the same transaction as the change it records, shown as a CloudEvents 1.0
/// envelope. <see cref="Data"/> is the UTF-8 JSON payload, serialized once when the event is made.
/// </summary>
public sealed class MeshEvent
{
    public required Guid Id { get; init; }

    /// <summary>The position in the node's event log; assigned by the store when the event commits.</summary>
    public long Sequence { get; set; }

    public required string Tenant { get; init; }

    /// <summary>A type such as <c>agentmesh.task.succeeded</c>.</summary>
    public required string Type { get; init; }

    /// <summary><c>tasks/{id}</c>, <c>agents/{id}</c>, …</summary>
    public required string Subject { get; init; }

    public required DateTimeOffset Time { get; init; }

    public Guid? TaskId { get; init; }

    public string? AgentId { get; init; }

    public string? TraceParent { get; init; }

    public required byte[] Data { get; init; }
}
