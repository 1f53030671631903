using System.Text.Json;

namespace AgentMesh.Tasks;

/// <summary>What a client submits (<c>POST …/tasks</c>). Every field is checked by <see cref="TaskRules"/>.</summary>
public sealed record TaskSubmission
{
    public string? Type { get; init; }

    public JsonElement? Input { get; init; }

    public IReadOnlyList<Requirement>? Requirements { get; init; }

    /// <summary>1–5, 5 most urgent; default 3.</summary>
    public int? Priority { get; init; }

    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Lease length in seconds, 1–3600; default 300.</summary>
    public int? Timeout { get; init; }

    /// <summary>1–6; default 4 (one try and three retries).</summary>
    public int? MaxAttempts { get; init; }

    public string? IdempotencyKey { get; init; }

    public string? TargetAgent { get; init; }

    public string? Strategy { get; init; }

    public Guid? ParentTaskId { get; init; }

    public string? CorrelationId { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public bool? RequiresApproval { get; init; }

    /// <summary>0–1: agents whose own success rate is lower decline the task (SDK autonomy).</summary>
    public double? RequiredSuccessRate { get; init; }
}
