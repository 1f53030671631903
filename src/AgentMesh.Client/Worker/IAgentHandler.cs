using System.Text.Json;

namespace AgentMesh.Client.Worker;

/// <summary>
/// What an agent does with a task. One instance serves one agent and is called concurrently, up to the agent's
/// <see cref="AgentDefinition.MaxConcurrency"/> at once.
/// </summary>
public interface IAgentHandler
{
    /// <summary>
    /// Handles one task. Return its output (or <see langword="null"/> for none) to complete it; throw
    /// <see cref="AgentTaskException"/> to fail it with a code and a retry decision (any other exception fails it as
    /// retryable); observe <see cref="AgentTaskContext.CancellationToken"/>, which fires when the task is cancelled,
    /// its lease is lost, or the worker stops.
    /// </summary>
    ValueTask<JsonElement?> HandleAsync(AgentTaskContext context);
}
