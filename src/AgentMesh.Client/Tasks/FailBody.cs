namespace AgentMesh.Client;

internal sealed record FailBody(string LeaseToken, TaskError Error, bool Retryable);
