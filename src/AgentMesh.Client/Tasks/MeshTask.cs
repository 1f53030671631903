using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>A task as the node reports it.</summary>
public sealed record MeshTask
{
    /// <summary>Task id (UUIDv7, time-ordered).</summary>
    public string Id { get => field ?? ""; init; }

    /// <summary>The tenant the task belongs to.</summary>
    public string Tenant { get => field ?? ""; init; }

    /// <summary>Task type.</summary>
    public string Type { get => field ?? ""; init; }

    /// <summary>Life-cycle status.</summary>
    public MeshTaskStatus Status { get; init; }

    /// <summary>Input JSON.</summary>
    public JsonElement Input { get; init; }

    /// <summary>Output JSON of a succeeded task.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Error of the last failed attempt.</summary>
    public TaskError? Error { get; init; }

    /// <summary>Capabilities the task needs.</summary>
    public IReadOnlyList<Requirement> Requirements { get => field ?? []; init; }

    /// <summary>1–5, 5 most urgent.</summary>
    public int Priority { get; init; }

    /// <summary>Absolute deadline.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Lease length in seconds.</summary>
    [JsonPropertyName("timeout")]
    public int TimeoutSeconds { get; init; }

    /// <summary>Attempt budget.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>Idempotency key given at submit.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Direct-dispatch agent.</summary>
    public string? TargetAgent { get; init; }

    /// <summary>Routing strategy.</summary>
    public RoutingStrategy? Strategy { get; init; }

    /// <summary>The task that spawned this one.</summary>
    public string? ParentTaskId { get; init; }

    /// <summary>The workflow this task is a step of.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>String labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get => field ?? ReadOnlyDictionary<string, string>.Empty; init; }

    /// <summary>Whether the task needs an approval.</summary>
    public bool RequiresApproval { get; init; }

    /// <summary>Whether a cancellation was requested while it ran.</summary>
    public bool CancelRequested { get; init; }

    /// <summary>Least success rate an agent must have to take the task.</summary>
    public double? RequiredSuccessRate { get; init; }

    /// <summary>Last reported progress.</summary>
    public TaskProgress? Progress { get; init; }

    /// <summary>Every attempt so far, oldest first.</summary>
    public IReadOnlyList<Attempt> Attempts { get => field ?? []; init; }

    /// <summary>When the task was submitted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the task last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When a pending retry becomes eligible.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the task reached a final status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}
