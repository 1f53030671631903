using System.Collections.ObjectModel;

namespace AgentMesh.Client;

/// <summary>An agent as the node reports it.</summary>
public sealed record Agent
{
    /// <summary>Agent id.</summary>
    public string Id { get => field ?? ""; init; }

    /// <summary>The tenant the agent belongs to.</summary>
    public string Tenant { get => field ?? ""; init; }

    /// <summary>Display name.</summary>
    public string Name { get => field ?? ""; init; }

    /// <summary>Free-text kind.</summary>
    public string? Type { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Declared capabilities.</summary>
    public IReadOnlyList<Capability> Capabilities { get => field ?? []; init; }

    /// <summary>Slots.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get => field ?? []; init; }

    /// <summary>String metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    /// <summary>Id of the supervising agent.</summary>
    public string? Supervisor { get; init; }

    /// <summary>Life-cycle status.</summary>
    public AgentStatus Status { get; init; }

    /// <summary>Whether the agent polled or heartbeat within the heartbeat timeout.</summary>
    public bool Connected { get; init; }

    /// <summary>Tasks currently leased to the agent.</summary>
    public int InFlight { get; init; }

    /// <summary>Counters and averages.</summary>
    public AgentStats? Stats { get; init; }

    /// <summary>Last poll or heartbeat.</summary>
    public DateTimeOffset? LastHeartbeat { get; init; }

    /// <summary>When the agent was first registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the agent last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Version, incremented on every change (also the ETag).</summary>
    public long Version { get; init; }
}
