using AgentMesh.Client.Autonomy;

namespace AgentMesh.Client.Worker;

/// <summary>How an <see cref="AgentRunner"/> polls, heartbeats, decides and stops.</summary>
public sealed class AgentRunnerOptions
{
    /// <summary>How long the node may hold a poll, 0–30 seconds. Default 20.</summary>
    public int PollWaitSeconds { get; set; } = 20;

    /// <summary>Time between heartbeats, which extend held leases. Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long in-flight handlers may run once shutdown starts; then their tokens fire and the tasks are declined.
    /// Results are flushed for up to 5 s more. Default 30 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The acceptance decision; enabled with threshold 0.6 by default.</summary>
    public AutonomyOptions Autonomy { get; set; } = new();

    /// <summary>Stops the agent taking work for a while when its handler keeps failing; 5 failures in a row, 30 s, by default.</summary>
    public HandlerBreakerOptions Breaker { get; set; } = new();

    /// <summary>Called once the agent is registered, with the node's view of it; none by default. Keep it short.</summary>
    public Action<Agent>? OnRegistered { get; set; }

    internal void Validate()
    {
        if (PollWaitSeconds is < 0 or > 30)
        {
            throw new ArgumentException("PollWaitSeconds must be between 0 and 30.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("HeartbeatInterval must be positive.");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("ShutdownTimeout must not be negative.");
        }

        ArgumentNullException.ThrowIfNull(Autonomy);
        ArgumentNullException.ThrowIfNull(Breaker);
        if (Breaker.FailureThreshold < 1 || Breaker.BreakDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException("Breaker.FailureThreshold must be at least 1 and Breaker.BreakDuration positive.");
        }
    }
}
