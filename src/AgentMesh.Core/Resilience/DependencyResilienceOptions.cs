namespace AgentMesh.Resilience;

/// <summary>
/// The resilience pipeline of one dependency, bound from <c>AgentMesh:Resilience:&lt;name&gt;</c> (names in
/// <see cref="Dependencies"/>). A call gets <see cref="Timeout"/>; a transient failure is retried up to
/// <see cref="MaxRetries"/> times with exponential backoff and jitter (never for a dependency whose calls are not
/// safe to repeat); the circuit breaker opens when at least <see cref="MinimumThroughput"/> calls in
/// <see cref="SamplingDuration"/> failed at <see cref="FailureRatio"/> or more, answers at once while open, and after
/// <see cref="BreakDuration"/> lets a single trial call through.
/// </summary>
public sealed class DependencyResilienceOptions
{
    /// <summary>The configuration section holding one subsection per dependency.</summary>
    public const string Section = "AgentMesh:Resilience";

    /// <summary>Time allowed for one attempt. Defaults per dependency in <see cref="Dependencies"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a transient failure after the first attempt; 0 for none. Ignored where a repeat is unsafe. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Delay before the first retry; doubles per retry, with jitter. Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between retries. Default 2 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Share of failed calls in the sampling window that opens the breaker, above 0 and at most 1. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The window over which the failure ratio is measured; at least 500 ms. Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls the window must hold before the breaker may open; at least 2. Default 5.</summary>
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>How long the breaker stays open before a single trial call; at least 500 ms. Default 5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first problem with these settings, or null when they are valid.</summary>
    public string? Validate(string name) =>
        Timeout <= TimeSpan.Zero ? $"{Section}:{name}:Timeout must be positive."
        : MaxRetries is < 0 or > 10 ? $"{Section}:{name}:MaxRetries must be between 0 and 10."
        : RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay ? $"{Section}:{name}:RetryBaseDelay must be positive and RetryMaxDelay at least RetryBaseDelay."
        : FailureRatio is <= 0 or > 1 ? $"{Section}:{name}:FailureRatio must be above 0 and at most 1."
        : SamplingDuration < TimeSpan.FromMilliseconds(500) ? $"{Section}:{name}:SamplingDuration must be at least 500 ms."
        : MinimumThroughput < 2 ? $"{Section}:{name}:MinimumThroughput must be at least 2."
        : BreakDuration < TimeSpan.FromMilliseconds(500) ? $"{Section}:{name}:BreakDuration must be at least 500 ms."
        : null;
}
