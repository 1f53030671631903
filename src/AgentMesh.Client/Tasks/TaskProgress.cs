namespace AgentMesh.Client;

/// <summary>The last progress an agent reported for a task.</summary>
/// <param name="Percent">0–100.</param>
/// <param name="Message">Optional message.</param>
public sealed record TaskProgress(double Percent, string? Message);
