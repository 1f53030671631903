namespace AgentMesh.Agents;

/// <summary>The status an agent shows (SPEC §3.2): the operator's state combined with its connection and load.</summary>
public enum AgentStatus
{
    Offline,
    Available,
    Busy,
    Paused,
    Draining,
    Unhealthy,
    Quarantined,
    Terminated,
}
