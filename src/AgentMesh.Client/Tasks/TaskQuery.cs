namespace AgentMesh.Client;

/// <summary>Filters and paging for listing tasks; every filter is off by default.</summary>
public sealed record TaskQuery
{
    /// <summary>Only tasks in this status.</summary>
    public MeshTaskStatus? Status { get; init; }

    /// <summary>Only tasks of this type.</summary>
    public string? Type { get; init; }

    /// <summary>Only tasks attempted by this agent.</summary>
    public string? Agent { get; init; }

    /// <summary>Only tasks with this correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Page size; <see langword="null"/> takes the node's default.</summary>
    public int? Limit { get; init; }

    /// <summary>The <see cref="Page{T}.NextCursor"/> of the previous page.</summary>
    public string? Cursor { get; init; }
}
