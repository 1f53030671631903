namespace AgentMesh.Client;

/// <summary>The node's answer to one entry of a results batch.</summary>
public sealed record TaskResultAck
{
    /// <summary>Task id.</summary>
    public string TaskId { get => field ?? ""; init; }

    /// <summary>The HTTP status the single call would have had: 200, 404 or 409.</summary>
    public int Status { get; init; }

    /// <summary>The problem code when <see cref="Status"/> is not 200, such as <c>lease_conflict</c>.</summary>
    public string? Code { get; init; }

    /// <summary>The task's status after the result.</summary>
    public MeshTaskStatus? TaskStatus { get; init; }
}
