using Microsoft.Extensions.Logging;

namespace LlmAgent;

internal static partial class LlmLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Model call attempt {Attempt} failed ({Outcome}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, int attempt, string outcome, double delayMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error,
        Message = "Model circuit breaker opened for {BreakSeconds} s after {Outcome}; model calls fail fast until then")]
    public static partial void BreakerOpened(ILogger logger, double breakSeconds, string outcome);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Model circuit breaker half-open: one trial call goes through")]
    public static partial void BreakerHalfOpened(ILogger logger);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Model circuit breaker closed: model calls flow again")]
    public static partial void BreakerClosed(ILogger logger);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Task {TaskId} failed calling the model with {Code} (retryable: {Retryable}): {Reason}")]
    public static partial void CallFailed(ILogger logger, string taskId, string code, bool retryable, string reason);
}
