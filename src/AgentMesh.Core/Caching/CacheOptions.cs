namespace AgentMesh.Caching;

/// <summary>
/// The node's read cache of finished tasks, bound from <c>AgentMesh:Cache</c>. A memory level (L1) on every node; a
/// shared level (L2) in Redis when the node has one (<c>ConnectionStrings:Redis</c>).
/// </summary>
public sealed class CacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AgentMesh:Cache";

    /// <summary>Whether finished tasks are cached at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a task stays in the node's memory (L1) after it was read. Default 5 min.</summary>
    public TimeSpan LocalExpiration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a task stays in Redis (L2) after it was written there. Default 1 h.</summary>
    public TimeSpan Expiration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a cluster follower answers agent reads (an agent, a page of agents) from an answer it fetched from the
    /// leader: the most their live figures — connection, tasks in flight, counters, heartbeat — may lag. Registrations and
    /// changes made through the API are never answered stale; they make every cached answer unreachable. Default 1 s.
    /// </summary>
    public TimeSpan AgentExpiration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many of the newest finished tasks are read into memory when the engine has loaded its state; 0 turns warming off. Default 1,000.</summary>
    public int WarmTasks { get; set; } = 1_000;

    /// <summary>The first setting that is out of range, named; null when all are usable.</summary>
    public string? Problem() =>
        LocalExpiration <= TimeSpan.Zero || LocalExpiration > TimeSpan.FromDays(1) ? $"{Section}:LocalExpiration must be positive and at most 1 day."
        : Expiration < LocalExpiration || Expiration > TimeSpan.FromDays(30) ? $"{Section}:Expiration must be at least LocalExpiration and at most 30 days."
        : AgentExpiration <= TimeSpan.Zero || AgentExpiration > TimeSpan.FromMinutes(1) ? $"{Section}:AgentExpiration must be positive and at most 1 minute."
        : WarmTasks is < 0 or > 100_000 ? $"{Section}:WarmTasks must be between 0 and 100000."
        : null;
}
