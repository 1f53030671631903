using System.Text.Json;

namespace AgentMesh.Client;

/// <summary>A task leased to an agent by a poll.</summary>
public sealed record Assignment
{
    /// <summary>Task id.</summary>
    public string TaskId { get => field ?? ""; init; }

    /// <summary>Attempt number, 1 for the first.</summary>
    public int Attempt { get; init; }

    /// <summary>Fencing token; every result and heartbeat for this attempt carries it.</summary>
    public string LeaseToken { get => field ?? ""; init; }

    /// <summary>When the lease expires unless a heartbeat extends it.</summary>
    public DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>Task type.</summary>
    public string Type { get => field ?? ""; init; }

    /// <summary>Input JSON.</summary>
    public JsonElement Input { get; init; }

    /// <summary>1–5, 5 most urgent.</summary>
    public int Priority { get; init; }

    /// <summary>Absolute deadline, if any.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Capabilities the task needs.</summary>
    public IReadOnlyList<Requirement> Requirements { get => field ?? []; init; }

    /// <summary>Least success rate (0–1) the agent should have to take the task.</summary>
    public double? RequiredSuccessRate { get; init; }

    /// <summary>W3C trace context of the submit, to continue its trace.</summary>
    public string? Traceparent { get; init; }
}
