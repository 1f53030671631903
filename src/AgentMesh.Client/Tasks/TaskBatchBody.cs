namespace AgentMesh.Client;

internal sealed record TaskBatchBody(IReadOnlyList<TaskSubmission> Tasks);
