namespace AgentMesh.Client;

internal sealed record ResultsResponse(IReadOnlyList<TaskResultAck> Results);
