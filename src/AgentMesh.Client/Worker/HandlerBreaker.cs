namespace AgentMesh.Client.Worker;

/// <summary>
/// The SDK's circuit breaker around an agent's handler. After <see cref="HandlerBreakerOptions.FailureThreshold"/>
/// handler exceptions in a row (an <see cref="AgentTaskException"/> is the handler reporting a task's failure on
/// purpose and does not count) it opens: the agent declines what it is offered, so the mesh routes the work
/// to other agents. After <see cref="HandlerBreakerOptions.BreakDuration"/> it lets one task through (half-open):
/// a success closes it, a failure opens it again. Thread-safe.
/// </summary>
internal sealed class HandlerBreaker(HandlerBreakerOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset? _openUntil;
    private bool _trialTaken;

    public HandlerBreakerState State
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is null ? HandlerBreakerState.Closed
                    : time.GetUtcNow() < _openUntil ? HandlerBreakerState.Open
                    : HandlerBreakerState.HalfOpen;
            }
        }
    }

    /// <summary>Whether the agent may take one more task now; when half-open only one is let through until its outcome is known.</summary>
    public bool TryTake(out string? reason)
    {
        lock (_gate)
        {
            reason = null;
            if (!options.Enabled || _openUntil is null)
            {
                return true;
            }

            if (time.GetUtcNow() < _openUntil || _trialTaken)
            {
                reason = $"circuit open after {_failures} handler failures in a row";
                return false;
            }

            _trialTaken = true;
            return true;
        }
    }

    /// <summary>A task taken with <see cref="TryTake"/> ended before the handler ran (local queue full, shutdown): give the trial back.</summary>
    public void Untake()
    {
        lock (_gate)
        {
            _trialTaken = false;
        }
    }

    /// <returns>True when this outcome opened the breaker.</returns>
    public bool Record(bool success)
    {
        lock (_gate)
        {
            _trialTaken = false;
            if (success)
            {
                _failures = 0;
                _openUntil = null;
                return false;
            }

            _failures++;
            var halfOpen = _openUntil is not null;
            if (!options.Enabled || (!halfOpen && _failures < options.FailureThreshold))
            {
                return false;
            }

            _openUntil = time.GetUtcNow() + options.BreakDuration;
            return true;
        }
    }
}

/// <summary>When the SDK stops an agent taking work because its handler keeps failing (see <c>AgentRunnerOptions.Breaker</c>).</summary>
public sealed class HandlerBreakerOptions
{
    /// <summary>On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Handler exceptions in a row (not <see cref="AgentTaskException"/>s) that open the breaker. Default 5.</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long the agent declines work before it tries one task again. Default 30 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The handler breaker's state.</summary>
public enum HandlerBreakerState
{
    Closed,
    Open,
    HalfOpen,
}
