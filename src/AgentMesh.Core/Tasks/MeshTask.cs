using System.Text.Json.Serialization;

namespace AgentMesh.Tasks;

/// <summary>
/// A task as stored and shown. Immutable: every change makes a new version, so snapshots can be
/// handed to the store and to readers without copying (and the read cache shares one instance among readers).
/// </summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record MeshTask
{
    public required Guid Id { get; init; }

    public required string Tenant { get; init; }

    public required string Type { get; init; }

    public required MeshTaskStatus Status { get; init; }

    /// <summary>The input as JSON text, exactly as submitted.</summary>
    [JsonConverter(typeof(Events.RawJsonTextConverter))]
    public required string Input { get; init; }

    /// <summary>The output as JSON text once succeeded.</summary>
    [JsonConverter(typeof(Events.RawJsonTextConverter))]
    public string? Output { get; init; }

    public TaskError? Error { get; init; }

    public IReadOnlyList<Requirement> Requirements { get; init; } = [];

    public int Priority { get; init; } = 3;

    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Lease length in seconds.</summary>
    public int Timeout { get; init; } = 300;

    public int MaxAttempts { get; init; } = 4;

    public string? IdempotencyKey { get; init; }

    public string? TargetAgent { get; init; }

    public RoutingStrategy Strategy { get; init; }

    public Guid? ParentTaskId { get; init; }

    public Guid? WorkflowId { get; init; }

    public string? CorrelationId { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels;

    public bool RequiresApproval { get; init; }

    public double? RequiredSuccessRate { get; init; }

    public bool CancelRequested { get; init; }

    public TaskProgress? Progress { get; init; }

    public IReadOnlyList<TaskAttempt> Attempts { get; init; } = [];

    /// <summary>Attempts before this index do not count against <see cref="MaxAttempts"/> (an operator retry resets the budget).</summary>
    [JsonIgnore]
    public int AttemptBudgetStart { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The agent holding the current lease.</summary>
    public string? AgentId { get; init; }

    /// <summary>The current lease's fencing token; never shown to readers.</summary>
    [JsonIgnore]
    public string? LeaseToken { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    [JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }

    /// <summary>Incremented by every change; stores keep the highest.</summary>
    public long Version { get; init; } = 1;

    private static readonly Dictionary<string, string> EmptyLabels = new(0);

    /// <summary>Attempts that count against <see cref="MaxAttempts"/>: failed and timed-out ones, and the running one.</summary>
    public int CountedAttempts()
    {
        var count = 0;
        for (var i = AttemptBudgetStart; i < Attempts.Count; i++)
        {
            if (Attempts[i].Outcome is null or AttemptOutcome.Failed or AttemptOutcome.TimedOut)
            {
                count++;
            }
        }

        return count;
    }
}
