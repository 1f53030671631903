namespace AgentMesh.Agents;

/// <summary>An agent as the API shows it: the stored record plus live figures.</summary>
public sealed record AgentView
{
    public required string Id { get; init; }

    public required string Tenant { get; init; }

    public required string Name { get; init; }

    public string? Type { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<Capability> Capabilities { get; init; }

    public int MaxConcurrency { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    public string? Supervisor { get; init; }

    public AgentStatus Status { get; init; }

    public bool Connected { get; init; }

    public int InFlight { get; init; }

    public required AgentStats Stats { get; init; }

    public DateTimeOffset? LastHeartbeat { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public long Version { get; init; }
}

/// <summary>Live counters: since the node started, success rate over the last 100 outcomes, latency as an EWMA.</summary>
public sealed record AgentStats(long Assigned, long Completed, long Failed, double SuccessRate, double LatencyMs);
