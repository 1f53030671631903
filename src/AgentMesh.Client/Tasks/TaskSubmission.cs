using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>The body of <c>POST /v1/tenants/{t}/tasks</c>. Every optional field left <see langword="null"/> takes the node's default.</summary>
public sealed record TaskSubmission
{
    /// <summary>Task type, 1–128 characters.</summary>
    public required string Type { get; init; }

    /// <summary>Input JSON, at most 1 MiB by default.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>Capabilities the task needs.</summary>
    public IReadOnlyList<Requirement>? Requirements { get; init; }

    /// <summary>1–5, 5 most urgent; the node's default is 3.</summary>
    public int? Priority { get; init; }

    /// <summary>The task expires when it has not started by then.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Lease length in seconds, 1–3600; the node's default is 300.</summary>
    [JsonPropertyName("timeout")]
    public int? TimeoutSeconds { get; init; }

    /// <summary>1–6; the node's default is 4 (one try and three retries).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>A repeat with the same key within 24 hours returns the first task and creates nothing.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Dispatch to this agent only.</summary>
    public string? TargetAgent { get; init; }

    /// <summary>Routing strategy; the node's default is <see cref="RoutingStrategy.Default"/>.</summary>
    public RoutingStrategy? Strategy { get; init; }

    /// <summary>The task that spawned this one.</summary>
    public string? ParentTaskId { get; init; }

    /// <summary>Free correlation id, filterable in lists.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>String labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The task waits in <see cref="MeshTaskStatus.AwaitingApproval"/> until approved; the node's default is <see langword="false"/>.</summary>
    public bool? RequiresApproval { get; init; }

    /// <summary>0–1: an agent whose own recent success rate is lower declines the task (see the worker's autonomy).</summary>
    public double? RequiredSuccessRate { get; init; }
}
