namespace AgentMesh.Client.Worker;

/// <summary>
/// Implemented by an <see cref="IAgentHandler"/> that knows when it cannot do its work — a model or service it calls
/// is down and its own circuit breaker is open. While <see cref="UnavailableReason"/> is not <see langword="null"/>,
/// the runner stops asking the node for work (checking again every 250 ms) and declines, with that reason, any
/// assignment that still arrives, without calling the handler: a declined task goes to another agent and spends none
/// of its attempts, where a task taken and failed would spend one.
/// </summary>
public interface IAgentAvailability
{
    /// <summary>
    /// <see langword="null"/> while the handler can take tasks; otherwise why it cannot (recorded with the decline).
    /// Read before every poll and every assignment, from any thread: keep it cheap. Report available again once a
    /// trial call may go through (for a breaker: when its break ends), or the agent never takes the task that would
    /// close it.
    /// </summary>
    string? UnavailableReason { get; }
}
