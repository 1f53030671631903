namespace AgentMesh.Scheduling;

/// <summary>SPEC §5 queue order: higher priority first, then earliest deadline (none last), then submission order.</summary>
internal readonly record struct QueueKey(int Priority, long DeadlineTicks, long Sequence) : IComparable<QueueKey>
{
    public static QueueKey For(int priority, DateTimeOffset? deadline, long sequence) =>
        new(priority, deadline?.UtcTicks ?? long.MaxValue, sequence);

    public int CompareTo(QueueKey other)
    {
        var byPriority = other.Priority.CompareTo(Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var byDeadline = DeadlineTicks.CompareTo(other.DeadlineTicks);
        return byDeadline != 0 ? byDeadline : Sequence.CompareTo(other.Sequence);
    }
}
