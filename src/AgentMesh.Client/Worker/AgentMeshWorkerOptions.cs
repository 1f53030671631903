using AgentMesh.Client.Autonomy;

namespace AgentMesh.Client.Worker;

/// <summary>The node, the credential and the tenant a hosted worker runs its agents against, and how the agents behave.</summary>
public sealed class AgentMeshWorkerOptions
{
    /// <summary>The node's address, such as <c>http://127.0.0.1:5080/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Other nodes of the same cluster, tried in turn when the current node cannot be reached (see <see cref="AgentMeshClientOptions.FallbackAddresses"/>).</summary>
    public IList<Uri> FallbackAddresses { get; } = [];

    /// <summary>The API key sent as <c>Authorization: Bearer</c>. Required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The tenant every agent of this worker belongs to. Required.</summary>
    public string? Tenant { get; set; }

    /// <summary>How long the node may hold a poll, 0–30 seconds. Default 20.</summary>
    public int PollWaitSeconds { get; set; } = 20;

    /// <summary>Time between heartbeats. Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long in-flight handlers may run once the host stops; results are then flushed for up to 5 s more.
    /// Default 30 s. Give the host's <c>HostOptions.ShutdownTimeout</c> at least 10 s more than this.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The acceptance decision; enabled with threshold 0.6 by default.</summary>
    public AutonomyOptions Autonomy { get; set; } = new();

    /// <summary>Stops an agent taking work for a while when its handler keeps failing; 5 failures in a row, 30 s, by default.</summary>
    public HandlerBreakerOptions Breaker { get; set; } = new();

    /// <summary>Called once per agent after it is registered; none by default. Keep it short.</summary>
    public Action<Agent>? OnRegistered { get; set; }

    internal string? Problem() =>
        BaseAddress is null || !BaseAddress.IsAbsoluteUri ? "AgentMesh worker: BaseAddress (an absolute URI) is required."
        : string.IsNullOrWhiteSpace(ApiKey) ? "AgentMesh worker: ApiKey is required."
        : string.IsNullOrWhiteSpace(Tenant) ? "AgentMesh worker: Tenant is required."
        : PollWaitSeconds is < 0 or > 30 ? "AgentMesh worker: PollWaitSeconds must be between 0 and 30."
        : HeartbeatInterval <= TimeSpan.Zero ? "AgentMesh worker: HeartbeatInterval must be positive."
        : ShutdownTimeout < TimeSpan.Zero ? "AgentMesh worker: ShutdownTimeout must not be negative."
        : Autonomy is null || Autonomy.Threshold is < 0 or > 1 ? "AgentMesh worker: Autonomy.Threshold must be between 0 and 1."
        : Breaker is null || Breaker.FailureThreshold < 1 || Breaker.BreakDuration <= TimeSpan.Zero ? "AgentMesh worker: Breaker.FailureThreshold must be at least 1 and Breaker.BreakDuration positive."
        : null;

    internal AgentRunnerOptions ToRunnerOptions() => new()
    {
        PollWaitSeconds = PollWaitSeconds,
        HeartbeatInterval = HeartbeatInterval,
        ShutdownTimeout = ShutdownTimeout,
        Autonomy = Autonomy,
        Breaker = Breaker,
        OnRegistered = OnRegistered,
    };
}
