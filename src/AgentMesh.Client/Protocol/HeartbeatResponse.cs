namespace AgentMesh.Client;

/// <summary>The answer to a heartbeat.</summary>
public sealed record HeartbeatResponse
{
    /// <summary>Leases that were extended.</summary>
    public IReadOnlyList<LeaseRenewal> Leases { get => field ?? []; init; }

    /// <summary>Ids of tasks whose lease is no longer current: stop working on them.</summary>
    public IReadOnlyList<string> Lost { get => field ?? []; init; }

    /// <summary>Ids of held tasks whose cancellation was requested.</summary>
    public IReadOnlyList<string> Cancellations { get => field ?? []; init; }
}
