using AgentMesh.Agents;
using AgentMesh.Tasks;

namespace AgentMesh.Events;

/// <summary>The payload of task events: the task's state, never its input or output.</summary>
public sealed record TaskEventData(
    Guid TaskId,
    string Type,
    MeshTaskStatus Status,
    int Priority,
    int? Attempt,
    string? AgentId,
    TaskError? Error,
    TaskProgress? Progress,
    string? Reason,
    DateTimeOffset? NextAttemptAt,
    string? CorrelationId);

public sealed record AgentEventData(string AgentId, AgentStatus Status, string? Name, string? Reason);

public sealed record TenantEventData(string TenantId, string Name);

public sealed record KeyEventData(string KeyId, string Name, IReadOnlyList<string> Roles, string? AgentId);
