namespace AgentMesh.Client;

/// <summary>Limits of one tenant.</summary>
public sealed record TenantQuotas
{
    /// <summary>How many agents the tenant may register.</summary>
    public int MaxAgents { get; init; }

    /// <summary>How many tasks may wait (not yet finished) at once.</summary>
    public long MaxPendingTasks { get; init; }

    /// <summary>Request rate allowed for the whole tenant, per second.</summary>
    public int RequestsPerSecond { get; init; }
}
