namespace AgentMesh.Client;

/// <summary>One attempt to run a task.</summary>
public sealed record Attempt
{
    /// <summary>1 for the first attempt.</summary>
    public int Number { get; init; }

    /// <summary>The agent that held the lease.</summary>
    public string? AgentId { get; init; }

    /// <summary>When the lease started.</summary>
    public DateTimeOffset? LeaseStartedAt { get; init; }

    /// <summary>When the lease ended; <see langword="null"/> while the attempt runs.</summary>
    public DateTimeOffset? LeaseEndedAt { get; init; }

    /// <summary>How it ended; <see langword="null"/> while the attempt runs.</summary>
    public AttemptOutcome? Outcome { get; init; }

    /// <summary>The error of a failed attempt.</summary>
    public TaskError? Error { get; init; }
}
