namespace AgentMesh.Client.Autonomy;

/// <summary>Whether an agent takes an assignment, and why.</summary>
/// <param name="Accept">Take it.</param>
/// <param name="Score">The acceptance score, 0–1; 0 for a hard decline.</param>
/// <param name="Reason">A short explanation, sent to the node with a decline.</param>
public sealed record AutonomyDecision(bool Accept, double Score, string Reason);
