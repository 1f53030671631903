using Microsoft.Extensions.Logging;

namespace AgentMesh.Cli.Demo;

/// <summary>The demo's log messages, event ids 9100–9199.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Demo: the node refused a {TaskType} task: {Code}: {Detail}")]
    public static partial void SubmitRefused(ILogger logger, string taskType, string? code, string? detail);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Demo: could not submit a {TaskType} task")]
    public static partial void SubmitFailed(ILogger logger, string taskType, Exception exception);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Error, Message = "Demo: agent {AgentId} stopped")]
    public static partial void AgentStopped(ILogger logger, string agentId, Exception exception);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Warning, Message = "Demo: the status line could not read the node")]
    public static partial void StatusUnavailable(ILogger logger, Exception exception);
}
