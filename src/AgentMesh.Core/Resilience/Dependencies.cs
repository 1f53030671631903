namespace AgentMesh.Resilience;

/// <summary>
/// The dependencies with a resilience pipeline: each name is its configuration subsection under
/// <c>AgentMesh:Resilience</c> and the <c>dependency</c> label of its breaker metrics.
/// </summary>
public static class Dependencies
{
    /// <summary>Reads from PostgreSQL (state loads, task and event queries, the outbox): timeout 2 s, 2 retries, breaker.</summary>
    public const string PostgresReads = "PostgresReads";

    /// <summary>Commits to PostgreSQL: timeout 10 s and breaker, never retried (a commit that timed out may have landed; the engine reloads).</summary>
    public const string PostgresCommits = "PostgresCommits";

    /// <summary>Publishing the outbox to NATS JetStream (idempotent by <c>Nats-Msg-Id</c>): timeout 10 s, 3 retries, breaker.</summary>
    public const string NatsPublish = "NatsPublish";

    /// <summary>
    /// Redis, for shared rate limits and the read cache's shared level: timeout 100 ms, never retried (the node decides
    /// on its own instead), a breaker that opens when half of at least 2 calls within 1 s failed, for 1 s. Its breaker
    /// shows but never makes the node unready.
    /// </summary>
    public const string Redis = "Redis";

    /// <summary>Every name, in a fixed order.</summary>
    public static IReadOnlyList<string> All { get; } = [PostgresReads, PostgresCommits, NatsPublish, Redis];

    /// <summary>Whether an open breaker of <paramref name="name"/> leaves the node ready: the node serves without it, degraded.</summary>
    public static bool IsOptional(string name) => name is NatsPublish or Redis;

    /// <summary>The defaults of <paramref name="name"/>, before configuration is applied.</summary>
    public static void ApplyDefaults(string name, DependencyResilienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (name)
        {
            case PostgresReads:
                options.Timeout = TimeSpan.FromSeconds(2);
                options.MaxRetries = 2;
                break;
            case PostgresCommits:
                options.Timeout = TimeSpan.FromSeconds(10);
                options.MaxRetries = 0;
                break;
            case NatsPublish:
                options.Timeout = TimeSpan.FromSeconds(10);
                options.MaxRetries = 3;
                options.RetryBaseDelay = TimeSpan.FromMilliseconds(200);
                break;
            case Redis:
                // A request waits for Redis at most this long, and once the breaker opens not at all: the node's own
                // decision is the fallback, so a retry would only add latency.
                options.Timeout = TimeSpan.FromMilliseconds(100);
                options.MaxRetries = 0;
                options.SamplingDuration = TimeSpan.FromSeconds(1);
                options.MinimumThroughput = 2;
                options.BreakDuration = TimeSpan.FromSeconds(1);
                break;
        }
    }
}
