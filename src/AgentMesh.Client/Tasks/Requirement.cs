namespace AgentMesh.Client;

/// <summary>A capability a task needs, at a minimum level.</summary>
/// <param name="Capability">Capability name.</param>
/// <param name="MinLevel">Lowest acceptable level, 1.0–5.0.</param>
public sealed record Requirement(string Capability, double MinLevel);
