namespace AgentMesh.Client;

/// <summary>The body of <c>POST /v1/tenants/{t}/keys</c>.</summary>
public sealed record ApiKeyCreation
{
    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Roles to grant; see <see cref="ApiKeyRoles"/>.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Binds the key to one agent id; <see langword="null"/> (the default) binds it to none.</summary>
    public string? AgentId { get; init; }
}
