using AgentMesh.Engine;

namespace AgentMesh.Scheduling;

/// <summary>
/// Queued tasks that share a candidate set (same requirements, target agent and exclusions), in queue
/// order. When its head finds no agent the whole group is blocked until capacity changes, so a task
/// nobody can run never holds up tasks others can.
/// </summary>
internal sealed class TaskGroup(string key)
{
    private readonly PriorityQueue<LiveTask, QueueKey> _tasks = new();

    public string Key { get; } = key;

    /// <summary>The tenant capacity epoch at which the head last found no agent; -1 when not blocked.</summary>
    public long BlockedAtEpoch { get; set; } = -1;

    public int Count => _tasks.Count;

    public void Enqueue(LiveTask task, QueueKey key) => _tasks.Enqueue(task, key);

    /// <summary>The first live entry; stale entries (tasks that left the queue another way) are dropped on the way.</summary>
    public bool TryPeek(out LiveTask task, out QueueKey key)
    {
        while (_tasks.TryPeek(out task!, out key))
        {
            if (task.Group == this && task.QueueStamp == key.Sequence)
            {
                return true;
            }

            _tasks.Dequeue();
        }

        return false;
    }

    public void Pop() => _tasks.Dequeue();
}
