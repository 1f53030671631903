namespace LlmAgent;

/// <summary>
/// The resilience pipeline around the HTTP calls to the model, bound from <c>Llm:Resilience</c>. From the outside in:
/// a total timeout, retries with exponential backoff and jitter on transient failures only (408, 429, 5xx, timeouts,
/// connection failures), a circuit breaker, and a timeout per attempt.
/// </summary>
internal sealed class LlmResilienceOptions
{
    /// <summary>How long one HTTP attempt may take; 30 s by default.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one model call may take, every attempt and backoff included; 120 s by default.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Retries after the first attempt, 0 for none; 3 by default.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// Delay before the first retry, doubling per retry, with jitter; 1 s by default. A <c>Retry-After</c> header on
    /// a 429 or 503 is honoured instead.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between retries, at least <see cref="RetryBaseDelay"/>; 30 s by default.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of failed attempts within <see cref="SamplingDuration"/> that opens the breaker, above 0 and at most 1; 0.5 by default.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The window the failure ratio is measured over, at least 0.5 s; 60 s by default.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts the window must hold before the breaker may open, at least 2; 10 by default.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>How long the breaker stays open before it lets one trial call through, at least 0.5 s; 30 s by default.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
