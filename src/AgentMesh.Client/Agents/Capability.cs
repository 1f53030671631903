namespace AgentMesh.Client;

/// <summary>Something an agent can do, with its proficiency.</summary>
/// <param name="Name">Capability name, <c>[a-z0-9._-]{1,64}</c>, unique per agent.</param>
/// <param name="Level">Proficiency from 1.0 to 5.0.</param>
public sealed record Capability(string Name, double Level);
