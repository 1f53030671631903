namespace AgentMesh.Tasks;

/// <summary>A capability the task needs, at <see cref="MinLevel"/> or above (0–5; 0 accepts any level).</summary>
public sealed record Requirement(string Capability, double MinLevel);

public sealed record TaskError(string Code, string Message);

public sealed record TaskProgress(int Percent, string? Message);

/// <summary>One hand-over of the task to an agent.</summary>
public sealed record TaskAttempt
{
    public required int Number { get; init; }

    public required string AgentId { get; init; }

    public required DateTimeOffset LeaseStartedAt { get; init; }

    public DateTimeOffset? LeaseEndedAt { get; init; }

    public AttemptOutcome? Outcome { get; init; }

    public TaskError? Error { get; init; }
}
