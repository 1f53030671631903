using AgentMesh.Storage;

namespace AgentMesh.Engine;

/// <summary>One engine operation's writes on their way to the store, and what to do once they are durable.</summary>
internal sealed class PendingCommit(ChangeSet changes)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChangeSet Changes { get; } = changes;

    /// <summary>Assignments to hand to agents' inboxes once committed.</summary>
    public List<(LiveAgent Agent, Assignment Assignment)>? Deliveries { get; set; }

    /// <summary>Tasks this commit made terminal; they leave memory once it lands.</summary>
    public List<LiveTask>? Finished { get; set; }

    /// <summary>Finished tasks this commit makes live again (a retry); their cached copies are removed once it lands.</summary>
    public List<Tasks.MeshTask>? Revived { get; init; }

    public Task Completion => _done.Task;

    public void Succeed() => _done.TrySetResult();

    public void Fail(Exception exception) => _done.TrySetException(exception);
}
