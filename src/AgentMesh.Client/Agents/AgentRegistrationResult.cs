namespace AgentMesh.Client;

/// <summary>The answer to a register-or-update call.</summary>
/// <param name="Agent">The agent as stored.</param>
/// <param name="Created"><see langword="true"/> when the call registered the agent (201), <see langword="false"/> when it updated it (200).</param>
public sealed record AgentRegistrationResult(Agent Agent, bool Created);
