namespace AgentMesh.Client;

/// <summary>The answer to a submit.</summary>
/// <param name="Task">The stored task.</param>
/// <param name="Created"><see langword="true"/> when the submit created the task (201); <see langword="false"/> when its idempotency key returned an earlier one (200).</param>
public sealed record TaskSubmitResult(MeshTask Task, bool Created);
