namespace AgentMesh.Client.Worker;

/// <summary>An agent runner's own view of itself, used by the autonomy decision.</summary>
public enum AgentRunState
{
    /// <summary>Polls and takes work.</summary>
    Active,

    /// <summary>Paused locally: does not poll; assignments that still arrive are declined.</summary>
    Paused,

    /// <summary>Shutting down: finishes in-flight work, declines the rest.</summary>
    Draining,
}
