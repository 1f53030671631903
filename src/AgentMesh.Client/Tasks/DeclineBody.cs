namespace AgentMesh.Client;

internal sealed record DeclineBody(string LeaseToken, string? Reason);
