namespace AgentMesh.Agents;

/// <summary>A registered agent as stored.</summary>
public sealed record AgentRecord
{
    public required string Tenant { get; init; }

    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Type { get; init; }

    public string? Description { get; init; }

    public required IReadOnlyList<Capability> Capabilities { get; init; }

    public int MaxConcurrency { get; init; } = 1;

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public string? Supervisor { get; init; }

    public AgentAdminState AdminState { get; init; } = AgentAdminState.Active;

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public long Version { get; init; } = 1;
}
