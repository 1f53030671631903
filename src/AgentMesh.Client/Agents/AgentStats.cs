namespace AgentMesh.Client;

/// <summary>Live figures of an agent.</summary>
public sealed record AgentStats
{
    /// <summary>Tasks assigned so far.</summary>
    public long Assigned { get; init; }

    /// <summary>Tasks completed so far.</summary>
    public long Completed { get; init; }

    /// <summary>Tasks failed so far.</summary>
    public long Failed { get; init; }

    /// <summary>Success rate over the last 100 outcomes, 0–1.</summary>
    public double SuccessRate { get; init; }

    /// <summary>Moving average of task latency, in milliseconds.</summary>
    public double LatencyMs { get; init; }
}
