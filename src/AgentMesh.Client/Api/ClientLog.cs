using Microsoft.Extensions.Logging;

namespace AgentMesh.Client;

internal static partial class ClientLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Event stream {Path} dropped; reconnecting in {Delay} (attempt {Attempt})")]
    public static partial void StreamReconnecting(ILogger logger, string path, TimeSpan delay, int attempt, Exception? exception);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "Event stream {Path} ended by the node; reconnecting")]
    public static partial void StreamEnded(ILogger logger, string path);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Skipping an event of stream {Path} whose data is not an event envelope (id {EventId})")]
    public static partial void StreamEventUnreadable(ILogger logger, string path, string? eventId, Exception exception);
}
