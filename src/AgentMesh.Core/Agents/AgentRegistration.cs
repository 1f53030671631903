namespace AgentMesh.Agents;

/// <summary>What an agent declares when it registers (<c>PUT …/agents/{id}</c>).</summary>
public sealed record AgentRegistration
{
    public string? Name { get; init; }

    public string? Type { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<Capability>? Capabilities { get; init; }

    /// <summary>Slots: how many tasks the agent runs at once (1–1000, default 1).</summary>
    public int? MaxConcurrency { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public string? Supervisor { get; init; }
}
