using AgentMesh.Routing;

namespace AgentMesh.Engine;

/// <summary>Engine settings, bound from <c>AgentMesh:Engine</c>. Every default is the documented one.</summary>
public sealed class MeshEngineOptions
{
    /// <summary>An agent that neither polls nor heartbeats for this long becomes unhealthy. Default 30 s.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases, retry backoffs and deadlines are checked. Default 100 ms.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Largest task input in bytes of JSON; larger submissions get 413. Default 1 MiB.</summary>
    public int MaxInputBytes { get; set; } = 1024 * 1024;

    /// <summary>How long an idempotency key returns the first task. Default 24 h.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>First retry backoff ceiling (full jitter). Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest retry backoff ceiling. Default 5 min.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Operations that may wait for the store at once before callers wait for a place. Default 65,536.</summary>
    public int CommitQueueCapacity { get; set; } = 65_536;

    /// <summary>Most operations written in one store transaction. Default 8,192.</summary>
    public int CommitBatchSize { get; set; } = 8_192;

    /// <summary>Tasks a tenant may have assigned in one turn before the next tenant's turn (times its quota weight). Default 32.</summary>
    public int DispatchQuantum { get; set; } = 32;

    /// <summary>Most assignments made in one dispatch round (one commit). Default 2,048.</summary>
    public int DispatchRoundLimit { get; set; } = 2_048;

    /// <summary>Routing score weights for every tenant; must sum to 1. Default 0.40/0.25/0.20/0.15.</summary>
    public RoutingWeights RoutingWeights { get; set; } = RoutingWeights.Default;

    /// <summary>
    /// How long a decline keeps the declining agent from being offered that task again; after it, every
    /// capable agent may be asked again, so a task declined by a busy agent is not stranded. Default 30 s.
    /// </summary>
    public TimeSpan DeclineExclusion { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest poll wait an agent may ask for. Default 30 s.</summary>
    public int MaxPollWaitSeconds { get; set; } = 30;

    /// <summary>Upper bound on leases/results per poll or batch. Default 100.</summary>
    public int MaxBatch { get; set; } = 100;
}
