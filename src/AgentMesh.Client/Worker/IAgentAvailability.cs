namespace AgentMesh.Client.Worker;

/// <summary>
/// Implemented by an <see cref="IAgentHandler"/> that knows when it cannot do its work — a model or service it calls
/// is down and its own circuit breaker is open. While <see cref="UnavailableReason"/> is not <see langword="null"/>,
/// the runner declines, with that reason and without calling the handler, every task it is offered and every task
/// waiting in its local queue: the node gives a declined task to another agent (and does not offer it to this one
/// again for a while) and counts none of its attempts, where a task taken and failed would spend one. The runner
/// keeps polling meanwhile, because the node hands work to a connected agent with free slots before it polls.
/// </summary>
public interface IAgentAvailability
{
    /// <summary>
    /// <see langword="null"/> while the handler can take tasks; otherwise why it cannot (recorded with the decline).
    /// Read for every assignment and before every queued task starts, from any thread: keep it cheap. Report available
    /// again once a trial call may go through (for a breaker: when its break ends), or the agent never takes the task
    /// that would close it.
    /// </summary>
    string? UnavailableReason { get; }
}
