namespace AgentMesh.Client;

internal sealed record ResultsBody(IReadOnlyList<TaskResult> Results);
