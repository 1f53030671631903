using AgentMesh.Tasks;

namespace AgentMesh.Engine;

/// <summary>A submitted task, and whether this call created it (false: an idempotent repeat).</summary>
public sealed record SubmitResult(MeshTask Task, bool Created);
