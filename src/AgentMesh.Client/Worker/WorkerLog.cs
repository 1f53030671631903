using Microsoft.Extensions.Logging;

namespace AgentMesh.Client.Worker;

internal static partial class WorkerLog
{
    /// <summary>
    /// The exception a retry warning carries. A transient failure — the node out of reach, a 5xx, 408 or 429 — is expected
    /// while a node restarts or a cluster changes leader: its warning names it in one line (the reason) and carries the stack
    /// trace only when Debug is on. Any other failure keeps its exception.
    /// </summary>
    public static Exception? Attached(ILogger logger, Exception exception, CancellationToken cancellationToken) =>
        TransientFailure.Is(exception, cancellationToken) && !logger.IsEnabled(LogLevel.Debug) ? null : exception;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Agent {AgentId} registered in tenant {Tenant} with {Slots} slots")]
    public static partial void Registered(ILogger logger, string agentId, string tenant, int slots);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Agent {AgentId}: registration failed ({Reason}); retrying in {Delay}")]
    public static partial void RegisterRetrying(ILogger logger, string agentId, string reason, TimeSpan delay, Exception? exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Agent {AgentId}: poll failed ({Reason}); retrying in {Delay} (attempt {Attempt})")]
    public static partial void PollRetrying(ILogger logger, string agentId, string reason, TimeSpan delay, int attempt, Exception? exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Agent {AgentId} declined task {TaskId}: {Reason}")]
    public static partial void Declined(ILogger logger, string agentId, string taskId, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Agent {AgentId}: handler failed task {TaskId} ({Code}, retryable {Retryable})")]
    public static partial void HandlerFailed(ILogger logger, string agentId, string taskId, string code, bool retryable, Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Agent {AgentId}: heartbeat failed ({Reason})")]
    public static partial void HeartbeatFailed(ILogger logger, string agentId, string reason, Exception? exception);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Agent {AgentId}: result for task {TaskId} dropped; the node answered {Status} {Code}")]
    public static partial void ResultDropped(ILogger logger, string agentId, string taskId, int status, string? code);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Agent {AgentId}: sending {Count} results failed ({Reason}); retrying in {Delay} (attempt {Attempt})")]
    public static partial void ResultsRetrying(ILogger logger, string agentId, int count, string reason, TimeSpan delay, int attempt, Exception? exception);

    [LoggerMessage(EventId = 108, Level = LogLevel.Error, Message = "Agent {AgentId}: the node refused a batch of {Count} results; they are dropped")]
    public static partial void ResultsRefused(ILogger logger, string agentId, int count, Exception exception);

    [LoggerMessage(EventId = 109, Level = LogLevel.Error, Message = "Agent {AgentId}: {Count} results could not be sent before shutdown; their leases will expire")]
    public static partial void ResultsLost(ILogger logger, string agentId, int count);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Agent {AgentId} draining: waiting for {InFlight} tasks")]
    public static partial void Draining(ILogger logger, string agentId, int inFlight);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Agent {AgentId}: handlers still running after {Timeout}; cancelling them")]
    public static partial void DrainTimedOut(ILogger logger, string agentId, TimeSpan timeout);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "Agent {AgentId}: handlers ignored cancellation; leaving them behind")]
    public static partial void HandlersAbandoned(ILogger logger, string agentId);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "Agent {AgentId} stopped")]
    public static partial void Stopped(ILogger logger, string agentId);

    [LoggerMessage(EventId = 114, Level = LogLevel.Information, Message = "Agent {AgentId}: lease of task {TaskId} lost; stopping its handler")]
    public static partial void LeaseLost(ILogger logger, string agentId, string taskId);

    [LoggerMessage(EventId = 115, Level = LogLevel.Information, Message = "Agent {AgentId}: cancellation of task {TaskId} requested")]
    public static partial void CancellationRequested(ILogger logger, string agentId, string taskId);

    [LoggerMessage(EventId = 116, Level = LogLevel.Warning, Message = "Agent {AgentId} is unknown to the node; registering again")]
    public static partial void Reregistering(ILogger logger, string agentId);

    [LoggerMessage(EventId = 117, Level = LogLevel.Error, Message = "Agent {AgentId}: unexpected failure in the {Loop} loop")]
    public static partial void LoopFailed(ILogger logger, string agentId, string loop, Exception exception);

    [LoggerMessage(EventId = 118, Level = LogLevel.Error, Message = "Agent {AgentId}: the node refused the poll; stopping")]
    public static partial void PollRefused(ILogger logger, string agentId, Exception exception);

    [LoggerMessage(EventId = 119, Level = LogLevel.Warning, Message = "No agents were added to the AgentMesh worker; call AddAgent<T>()")]
    public static partial void NoAgents(ILogger logger);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Agent {AgentId}: the handler failed {Failures} times in a row; declining work for {BreakDuration}, then trying one task")]
    public static partial void BreakerOpened(ILogger logger, string agentId, int failures, TimeSpan breakDuration);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Agent {AgentId} takes no work: {Reason}")]
    public static partial void Unavailable(ILogger logger, string agentId, string reason);

    [LoggerMessage(EventId = 122, Level = LogLevel.Information, Message = "Agent {AgentId} takes work again")]
    public static partial void AvailableAgain(ILogger logger, string agentId);
}
