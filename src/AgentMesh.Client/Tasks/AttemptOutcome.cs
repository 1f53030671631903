using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>How one attempt of a task ended.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AttemptOutcome>))]
public enum AttemptOutcome
{
    /// <summary>The agent completed the task.</summary>
    Succeeded,

    /// <summary>The agent reported a failure.</summary>
    Failed,

    /// <summary>The agent declined the task.</summary>
    Declined,

    /// <summary>The lease expired without a result.</summary>
    TimedOut,

    /// <summary>The task was cancelled during the attempt.</summary>
    Cancelled,
}
