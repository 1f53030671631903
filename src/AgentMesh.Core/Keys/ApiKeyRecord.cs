namespace AgentMesh.Keys;

/// <summary>A stored API key: only the SHA-256 of its secret is kept. Immutable (a read cache shares one instance among readers).</summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record ApiKeyRecord
{
    public required string Id { get; init; }

    /// <summary>The tenant the key is scoped to; <see langword="null"/> for a system key valid on every tenant.</summary>
    public string? Tenant { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>For agent keys: the one agent id this key may act as.</summary>
    public string? AgentId { get; init; }

    public required string SecretHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether this key, as recorded, lets in the holder of <paramref name="secret"/>: not revoked and the secret matches.</summary>
    public bool Accepts(string secret) => RevokedAt is null && ApiKeySecret.Matches(secret, SecretHash);
}
