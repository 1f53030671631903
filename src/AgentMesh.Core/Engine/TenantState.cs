using AgentMesh.Routing;
using AgentMesh.Scheduling;
using AgentMesh.Tenants;

namespace AgentMesh.Engine;

/// <summary>A tenant's agents, candidate index and queue. Guarded by the engine's lock.</summary>
internal sealed class TenantState
{
    public TenantState(Tenant tenant, RoutingWeights weights)
    {
        Tenant = tenant;
        Index = new CandidateIndex(weights);
    }

    public Tenant Tenant { get; set; }

    public string Id => Tenant.Id;

    public Dictionary<string, LiveAgent> Agents { get; } = new(StringComparer.Ordinal);

    public CandidateIndex Index { get; }

    public TaskQueue Queue { get; } = new();

    /// <summary>Tasks not yet finished (quota <see cref="TenantQuotas.MaxPendingTasks"/>).</summary>
    public int Unfinished { get; set; }

    /// <summary>Bumped whenever an agent gains a free slot or becomes eligible: blocked queue groups are tried again.</summary>
    public long CapacityEpoch { get; set; }

    public bool InReadyRing { get; set; }

    /// <summary>How many tasks a dispatch turn may assign before the next tenant's turn: weighted by quota.</summary>
    public int Quantum(int baseQuantum) => baseQuantum * Math.Clamp(Tenant.Quotas.RequestsPerSecond / TenantQuotas.Default.RequestsPerSecond, 1, 8);
}
