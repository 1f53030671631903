namespace AgentMesh.Server.Bulkheads;

/// <summary>
/// Per-tenant bulkheads on <c>/v1</c> request work, bound from <c>AgentMesh:Bulkheads</c>: each tenant has
/// <see cref="PermitsPerTenant"/> requests in progress at most and <see cref="QueueLimitPerTenant"/> waiting, so a
/// flood from one tenant waits in its own queue instead of taking the node from the others. Agent long polls and
/// event streams wait by design and are not counted.
/// </summary>
internal sealed class BulkheadOptions
{
    public const string Section = "AgentMesh:Bulkheads";

    /// <summary>Whether requests are limited per tenant. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests of one tenant in progress at once; 1–100000. Default 64.</summary>
    public int PermitsPerTenant { get; set; } = 64;

    /// <summary>Requests of one tenant waiting for a permit, oldest first; more are refused at once. 0–1000000. Default 1024.</summary>
    public int QueueLimitPerTenant { get; set; } = 1024;

    /// <summary>Longest wait for a permit before the request is refused. Default 5 s.</summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(5);

    public string? Validate() =>
        PermitsPerTenant is < 1 or > 100_000 ? $"{Section}:PermitsPerTenant must be between 1 and 100000."
        : QueueLimitPerTenant is < 0 or > 1_000_000 ? $"{Section}:QueueLimitPerTenant must be between 0 and 1000000."
        : MaxQueueWait <= TimeSpan.Zero ? $"{Section}:MaxQueueWait must be positive."
        : null;
}
