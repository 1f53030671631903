namespace AgentMesh.Agents;

/// <summary>Something an agent can do, with a proficiency level from 1.0 to 5.0.</summary>
public sealed record Capability(string Name, double Level);
