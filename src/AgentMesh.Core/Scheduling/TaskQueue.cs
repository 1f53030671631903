using System.Text;
using AgentMesh.Engine;

namespace AgentMesh.Scheduling;

/// <summary>A tenant's queued tasks, grouped by candidate set (<see cref="TaskGroup"/>).</summary>
internal sealed class TaskQueue
{
    private readonly Dictionary<string, TaskGroup> _groups = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Live queued tasks.</summary>
    public int Count { get; private set; }

    public void Enqueue(LiveTask task)
    {
        var key = GroupKey(task);
        if (!_groups.TryGetValue(key, out var group))
        {
            group = new TaskGroup(key);
            _groups[key] = group;
        }

        var queueKey = QueueKey.For(task.Snapshot.Priority, task.Snapshot.Deadline, ++_sequence);
        task.Group = group;
        task.QueueStamp = queueKey.Sequence;
        group.Enqueue(task, queueKey);
        Count++;
    }

    /// <summary>Marks the task as no longer queued; its entry is dropped lazily.</summary>
    public void Remove(LiveTask task)
    {
        if (task.Group is null)
        {
            return;
        }

        task.Group = null;
        Count--;
    }

    /// <summary>
    /// The next task in queue order among groups not blocked at <paramref name="epoch"/>; the caller
    /// either takes it (<see cref="Take"/>) or blocks its group (<see cref="TaskGroup.BlockedAtEpoch"/>).
    /// </summary>
    public LiveTask? Peek(long epoch)
    {
        LiveTask? best = null;
        QueueKey bestKey = default;
        List<string>? empty = null;
        foreach (var group in _groups.Values)
        {
            if (!group.TryPeek(out var task, out var key))
            {
                (empty ??= []).Add(group.Key);
                continue;
            }

            if (group.BlockedAtEpoch == epoch)
            {
                continue;
            }

            if (best is null || key.CompareTo(bestKey) < 0)
            {
                best = task;
                bestKey = key;
            }
        }

        if (empty is not null)
        {
            foreach (var key in empty)
            {
                _groups.Remove(key);
            }
        }

        return best;
    }

    /// <summary>Removes <paramref name="task"/>, which must be the head that <see cref="Peek"/> returned.</summary>
    public void Take(LiveTask task)
    {
        task.Group!.Pop();
        Remove(task);
    }

    private static string GroupKey(LiveTask task)
    {
        var snapshot = task.Snapshot;
        if (snapshot.Requirements.Count == 0 && snapshot.TargetAgent is null && task.Excluded is null)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (var requirement in snapshot.Requirements.OrderBy(static r => r.Capability, StringComparer.Ordinal))
        {
            builder.Append(requirement.Capability).Append('>').Append(requirement.MinLevel.ToString("R")).Append(';');
        }

        if (snapshot.TargetAgent is not null)
        {
            builder.Append('@').Append(snapshot.TargetAgent);
        }

        if (task.Excluded is not null)
        {
            builder.Append('!');
            foreach (var agent in task.Excluded.Order(StringComparer.Ordinal))
            {
                builder.Append(agent).Append(',');
            }
        }

        return builder.ToString();
    }
}
