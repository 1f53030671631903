using AgentMesh.Client.Worker;

namespace AgentMesh.Client.Autonomy;

/// <summary>What an agent knows about itself when an assignment arrives.</summary>
/// <param name="Capabilities">Its declared capabilities.</param>
/// <param name="InFlight">Tasks it holds now (running or queued locally).</param>
/// <param name="Slots">Its concurrency, at least 1.</param>
/// <param name="State">Its local state.</param>
/// <param name="SuccessRate">Share of its last 100 outcomes that succeeded, 0–1 (1 before any outcome).</param>
public readonly record struct AgentSnapshot(
    IReadOnlyList<Capability> Capabilities, int InFlight, int Slots, AgentRunState State, double SuccessRate);
