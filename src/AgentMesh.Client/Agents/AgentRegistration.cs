namespace AgentMesh.Client;

/// <summary>The body of <c>PUT /v1/tenants/{t}/agents/{id}</c>.</summary>
public sealed record AgentRegistration
{
    /// <summary>Display name, 1–256 characters.</summary>
    public required string Name { get; init; }

    /// <summary>Free-text kind, such as <c>summarizer</c>; <see langword="null"/> by default.</summary>
    public string? Type { get; init; }

    /// <summary>Up to 1000 characters; <see langword="null"/> by default.</summary>
    public string? Description { get; init; }

    /// <summary>At least one capability.</summary>
    public required IReadOnlyList<Capability> Capabilities { get; init; }

    /// <summary>Slots, 1–1000; <see langword="null"/> lets the node use its default (1).</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Up to 32 tags; <see langword="null"/> by default.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>String metadata, at most 16 KiB; <see langword="null"/> by default.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Id of the supervising agent; <see langword="null"/> by default.</summary>
    public string? Supervisor { get; init; }
}
