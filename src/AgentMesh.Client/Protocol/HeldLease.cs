namespace AgentMesh.Client;

/// <summary>A lease an agent still works on, listed in a heartbeat.</summary>
/// <param name="TaskId">Task id.</param>
/// <param name="LeaseToken">The lease token of the assignment.</param>
public sealed record HeldLease(string TaskId, string LeaseToken);
