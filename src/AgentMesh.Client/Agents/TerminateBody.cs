namespace AgentMesh.Client;

internal sealed record TerminateBody(bool Force);
