namespace AgentMesh.Client;

internal sealed record ProgressBody(string LeaseToken, double Percent, string? Message);
