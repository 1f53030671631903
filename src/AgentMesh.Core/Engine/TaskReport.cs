using AgentMesh.Tasks;

namespace AgentMesh.Engine;

public enum ReportKind
{
    Succeeded,
    Failed,
    Declined,
    Progress,
}

/// <summary>An agent's report on a leased task: a result, a decline or progress.</summary>
public sealed record TaskReport(Guid TaskId, string LeaseToken, ReportKind Kind)
{
    /// <summary>JSON text of the output, for <see cref="ReportKind.Succeeded"/>.</summary>
    public string? Output { get; init; }

    public TaskError? Error { get; init; }

    /// <summary>For failures: false ends the task as failed at once. Default true.</summary>
    public bool Retryable { get; init; } = true;

    public int Percent { get; init; }

    public string? Message { get; init; }

    /// <summary>Why the agent declined.</summary>
    public string? Reason { get; init; }

    /// <summary>Tokens the attempt's model calls used, as the agent reported them (results only).</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>W3C <c>traceparent</c> of the handler's span that produced this report, if the agent traces.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>Tokens an attempt's model calls used (GenAI token usage), reported by the agent with its result.</summary>
public sealed record TokenUsage(long InputTokens, long OutputTokens);
