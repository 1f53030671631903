namespace LlmAgent;

/// <summary>A task's output: the model's answer and the model that gave it.</summary>
internal sealed record LlmOutput(string Text, string Model);
