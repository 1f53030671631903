using AgentMesh.Agents;

namespace AgentMesh.Engine;

/// <summary>The engine's figures at one moment, for the operators' health report.</summary>
/// <param name="Running">Whether the engine has started and is not stopping.</param>
/// <param name="Tenants">Tenants loaded.</param>
/// <param name="UnfinishedTasks">Tasks pending, awaiting approval, queued or running.</param>
/// <param name="ConnectedAgents">Agents that polled or heartbeated within the heartbeat timeout, or wait in a poll.</param>
/// <param name="Agents">Registered agents by status.</param>
/// <param name="CommitQueueDepth">Change sets waiting for the store.</param>
/// <param name="CommitBatches">Store transactions written since the engine started.</param>
public sealed record EngineSnapshot(
    bool Running,
    int Tenants,
    int UnfinishedTasks,
    int ConnectedAgents,
    IReadOnlyDictionary<AgentStatus, int> Agents,
    int CommitQueueDepth,
    long CommitBatches);
