namespace AgentMesh.Client;

/// <summary>Tokens a handler's model calls used for one attempt, reported with its result (GenAI token usage).</summary>
/// <param name="InputTokens">Prompt (input) tokens.</param>
/// <param name="OutputTokens">Completion (output) tokens.</param>
public sealed record TokenUsage(long InputTokens, long OutputTokens);
