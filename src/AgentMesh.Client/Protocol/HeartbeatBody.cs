namespace AgentMesh.Client;

internal sealed record HeartbeatBody(double? Load, IReadOnlyList<HeldLease> Leases);
