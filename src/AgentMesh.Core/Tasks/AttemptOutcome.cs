namespace AgentMesh.Tasks;

public enum AttemptOutcome
{
    Succeeded,
    Failed,
    Declined,
    TimedOut,
    Cancelled,
}
