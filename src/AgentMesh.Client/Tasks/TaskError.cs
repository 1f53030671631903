namespace AgentMesh.Client;

/// <summary>Why an attempt failed.</summary>
/// <param name="Code">A stable, machine-readable code, such as <c>timeout</c>.</param>
/// <param name="Message">A human-readable message.</param>
public sealed record TaskError(string Code, string Message);
