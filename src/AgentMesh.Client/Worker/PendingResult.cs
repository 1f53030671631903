namespace AgentMesh.Client.Worker;

/// <summary>A result waiting to be sent, and the held task to release once the node has it (none for a decline).</summary>
internal readonly record struct PendingResult(TaskResult Result, HeldTask? Held);
