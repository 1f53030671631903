namespace AgentMesh.Client;

/// <summary>A lease a heartbeat extended.</summary>
/// <param name="TaskId">Task id.</param>
/// <param name="LeaseExpiresAt">The new expiry.</param>
public sealed record LeaseRenewal(string TaskId, DateTimeOffset LeaseExpiresAt);
