namespace AgentMesh.Client;

/// <summary>Filters and paging for listing agents; every filter is off by default.</summary>
public sealed record AgentQuery
{
    /// <summary>Only agents in this status.</summary>
    public AgentStatus? Status { get; init; }

    /// <summary>Only agents with this capability.</summary>
    public string? Capability { get; init; }

    /// <summary>Page size; <see langword="null"/> takes the node's default.</summary>
    public int? Limit { get; init; }

    /// <summary>The <see cref="Page{T}.NextCursor"/> of the previous page.</summary>
    public string? Cursor { get; init; }
}
