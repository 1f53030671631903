namespace AgentMesh.Tenants;

/// <summary>An isolated space of agents and tasks. Nothing ever crosses tenants. Immutable (a read cache shares one instance among readers).</summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record Tenant
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public TenantStatus Status { get; init; } = TenantStatus.Active;

    public required DateTimeOffset CreatedAt { get; init; }

    public TenantQuotas Quotas { get; init; } = TenantQuotas.Default;
}

public enum TenantStatus
{
    Active,
    Suspended,
}

/// <summary>Per-tenant limits. <see cref="RequestsPerSecond"/> also weighs the tenant in dispatch fairness.</summary>
public sealed record TenantQuotas(int MaxAgents, int MaxPendingTasks, int RequestsPerSecond)
{
    /// <summary>10,000 agents, 1,000,000 unfinished tasks, 10,000 requests/s.</summary>
    public static TenantQuotas Default { get; } = new(10_000, 1_000_000, 10_000);
}
