using AgentMesh.Tasks;

namespace AgentMesh.Caching;

/// <summary>A task as cached in Redis: the task's own JSON, and what that leaves out or writes as raw JSON.</summary>
internal sealed record CachedTask(MeshTask Task, string Input, string? Output, int AttemptBudgetStart);
