namespace AgentMesh.Agents;

/// <summary>The stored, operator-controlled part of an agent's status.</summary>
public enum AgentAdminState
{
    Active,
    Paused,
    Draining,
    Quarantined,
    Terminated,
}
