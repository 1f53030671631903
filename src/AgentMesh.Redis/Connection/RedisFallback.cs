namespace AgentMesh.Redis.Connection;

/// <summary>
/// When a Redis user asks Redis and when it goes without: after a failure it goes without for
/// <see cref="RedisOptions.RetryInterval"/>, then one caller asks again while the others still go without, and the first
/// answer ends it. Lock-free.
/// </summary>
internal sealed class RedisFallback(TimeProvider time, TimeSpan retryInterval)
{
    private readonly long _retryTicks = (long)(retryInterval.TotalSeconds * time.TimestampFrequency);
    private int _local;
    private long _localSince;
    private long _retryAt;

    /// <summary>True from a failure until Redis answers again.</summary>
    public bool IsLocal => Volatile.Read(ref _local) == 1;

    /// <summary>Whether this caller asks Redis now: always while Redis answers; once per retry interval after a failure.</summary>
    public bool MayAsk()
    {
        if (!IsLocal)
        {
            return true;
        }

        var retryAt = Volatile.Read(ref _retryAt);
        var now = time.GetTimestamp();
        return now >= retryAt && Interlocked.CompareExchange(ref _retryAt, now + _retryTicks, retryAt) == retryAt;
    }

    /// <summary>Records a failure; true when it ends a time of answers (log it once).</summary>
    public bool Failed()
    {
        var now = time.GetTimestamp();
        Volatile.Write(ref _retryAt, now + _retryTicks);
        if (Interlocked.Exchange(ref _local, 1) == 0)
        {
            Volatile.Write(ref _localSince, now);
            return true;
        }

        return false;
    }

    /// <summary>Records an answer; how long the node went without Redis when it ends such a time, else null.</summary>
    public TimeSpan? Answered() =>
        Interlocked.Exchange(ref _local, 0) == 1 ? time.GetElapsedTime(Volatile.Read(ref _localSince)) : null;
}
