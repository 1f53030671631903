namespace AgentMesh.Client;

/// <summary>The body of <c>POST /v1/tenants</c>.</summary>
public sealed record TenantCreation
{
    /// <summary>Tenant id, 3–64 characters of <c>a-z 0-9 - _</c>, starting with a letter or digit.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Limits; <see langword="null"/> (the default) takes the node's defaults.</summary>
    public TenantQuotas? Quotas { get; init; }
}
