using AgentMesh.Client;

namespace AgentMesh.Cli.Demo;

/// <summary>What the demo has done so far: its own submits, and outcomes counted from the tenant's event stream.</summary>
internal sealed class DemoCounters
{
    public static readonly string[] EventTypes =
    [
        "agentmesh.task.succeeded", "agentmesh.task.attempt_failed", "agentmesh.task.failed", "agentmesh.task.dead_lettered",
        "agentmesh.task.expired",
    ];

    private long _submitted;
    private long _deduplicated;
    private long _rejected;
    private long _succeeded;
    private long _retried;
    private long _failed;
    private long _expired;

    public long SubmittedCount => Interlocked.Read(ref _submitted);

    public long DeduplicatedCount => Interlocked.Read(ref _deduplicated);

    public long RejectedCount => Interlocked.Read(ref _rejected);

    public long SucceededCount => Interlocked.Read(ref _succeeded);

    public long RetriedCount => Interlocked.Read(ref _retried);

    public long FailedCount => Interlocked.Read(ref _failed);

    public long ExpiredCount => Interlocked.Read(ref _expired);

    public void Submitted(bool created) => Interlocked.Increment(ref created ? ref _submitted : ref _deduplicated);

    public void Rejected() => Interlocked.Increment(ref _rejected);

    public void Record(MeshEvent meshEvent)
    {
        switch (meshEvent.Type)
        {
            case "agentmesh.task.succeeded":
                Interlocked.Increment(ref _succeeded);
                break;
            case "agentmesh.task.attempt_failed":
                Interlocked.Increment(ref _retried);
                break;
            case "agentmesh.task.failed" or "agentmesh.task.dead_lettered":
                Interlocked.Increment(ref _failed);
                break;
            case "agentmesh.task.expired":
                Interlocked.Increment(ref _expired);
                break;
        }
    }
}
