using System.Text.Json;

namespace AgentMesh.Client;

/// <summary>One entry of a results batch (<c>POST …/agents/{id}/results</c>).</summary>
public sealed record TaskResult
{
    /// <summary>Task id.</summary>
    public required string TaskId { get; init; }

    /// <summary>The lease token of the assignment.</summary>
    public required string LeaseToken { get; init; }

    /// <summary>What happened.</summary>
    public required ResultOutcome Outcome { get; init; }

    /// <summary>Output of a succeeded task.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>Error of a failed task.</summary>
    public TaskError? Error { get; init; }

    /// <summary>For a failure: whether another attempt may succeed.</summary>
    public bool? Retryable { get; init; }

    /// <summary>For a decline: why.</summary>
    public string? Reason { get; init; }

    /// <summary>Tokens the attempt's model calls used, if the handler reported them; the node counts them in its metrics.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>W3C <c>traceparent</c> of the handler's span; the node's completion span continues it. Null when the agent does not trace.</summary>
    public string? Traceparent { get; init; }

    /// <summary>A succeeded result.</summary>
    public static TaskResult Succeeded(string taskId, string leaseToken, JsonElement? output) =>
        new() { TaskId = taskId, LeaseToken = leaseToken, Outcome = ResultOutcome.Succeeded, Output = output };

    /// <summary>A failed result.</summary>
    public static TaskResult Failed(string taskId, string leaseToken, TaskError error, bool retryable) =>
        new() { TaskId = taskId, LeaseToken = leaseToken, Outcome = ResultOutcome.Failed, Error = error, Retryable = retryable };

    /// <summary>A declined result.</summary>
    public static TaskResult Declined(string taskId, string leaseToken, string? reason) =>
        new() { TaskId = taskId, LeaseToken = leaseToken, Outcome = ResultOutcome.Declined, Reason = reason };
}
