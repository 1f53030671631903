namespace AgentMesh.Client;

/// <summary>A tenant as the node reports it.</summary>
public sealed record Tenant
{
    /// <summary>Tenant id, 3–64 characters of <c>a-z 0-9 - _</c>.</summary>
    public string Id { get => field ?? ""; init; }

    /// <summary>Display name.</summary>
    public string Name { get => field ?? ""; init; }

    /// <summary>Whether the tenant is active or suspended.</summary>
    public TenantStatus Status { get; init; }

    /// <summary>When the tenant was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The tenant's limits.</summary>
    public TenantQuotas? Quotas { get; init; }
}
