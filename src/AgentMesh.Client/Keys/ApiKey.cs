namespace AgentMesh.Client;

/// <summary>An API key of a tenant.</summary>
public sealed record ApiKey
{
    /// <summary>Key id, used to revoke it.</summary>
    public string Id { get => field ?? ""; init; }

    /// <summary>Display name.</summary>
    public string Name { get => field ?? ""; init; }

    /// <summary>Roles granted to the key; see <see cref="ApiKeyRoles"/>.</summary>
    public IReadOnlyList<string> Roles { get => field ?? []; init; }

    /// <summary>The one agent this key may act as, or <see langword="null"/>.</summary>
    public string? AgentId { get; init; }

    /// <summary>The tenant the key belongs to.</summary>
    public string? Tenant { get; init; }

    /// <summary>When the key was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The secret; present only in the answer to the create call, never again.</summary>
    public string? Key { get; init; }
}
