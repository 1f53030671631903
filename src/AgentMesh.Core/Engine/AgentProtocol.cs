namespace AgentMesh.Engine;

/// <summary>What a poll hands an agent: new assignments and tasks it should stop.</summary>
public sealed record PollResult(IReadOnlyList<Assignment> Assignments, IReadOnlyList<Guid> Cancellations)
{
    public static PollResult Empty { get; } = new([], []);
}

/// <summary>A lease the agent holds, as it reports it in a heartbeat.</summary>
public sealed record LeaseRef(Guid TaskId, string LeaseToken);

public sealed record LeaseExtension(Guid TaskId, DateTimeOffset LeaseExpiresAt);

/// <summary>Extended leases, leases that are no longer the agent's, and tasks to stop.</summary>
public sealed record HeartbeatResult(IReadOnlyList<LeaseExtension> Leases, IReadOnlyList<Guid> Lost, IReadOnlyList<Guid> Cancellations);

/// <summary>Operator actions on an agent (SPEC §3.2).</summary>
public enum AgentAction
{
    Pause,
    Resume,
    Drain,
    Quarantine,
    Release,
    Terminate,
}
