using Microsoft.Extensions.Logging;

namespace AgentMesh.Redis.Connection;

/// <summary>The Redis adapter's log messages, event ids 4200–4299.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Connecting to Redis at {Endpoint}")]
    public static partial void Connecting(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Lost the connection to Redis at {Endpoint} ({Failure}); the node decides on its own until it is back")]
    public static partial void ConnectionFailed(ILogger logger, string endpoint, string failure, Exception? exception);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Connected to Redis at {Endpoint}")]
    public static partial void ConnectionRestored(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Redis at {Endpoint} does not answer; the node decides on its own and keeps trying to connect")]
    public static partial void NotConnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "Redis did not answer a rate-limit request ({Reason}); this node applies its own buckets until Redis answers again")]
    public static partial void RateLimitsLocal(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Information, Message = "Redis answers again: rate limits are shared after {Seconds} s on this node's own buckets")]
    public static partial void RateLimitsShared(ILogger logger, double seconds);

    [LoggerMessage(EventId = 4220, Level = LogLevel.Warning, Message = "Redis did not answer a cache read ({Reason}); reads go to this node's memory and the store until Redis answers again")]
    public static partial void CacheLocal(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 4221, Level = LogLevel.Information, Message = "Redis answers cache reads again: the shared cache level is used")]
    public static partial void CacheShared(ILogger logger);

    [LoggerMessage(EventId = 4230, Level = LogLevel.Warning, Message = "Redis did not answer for the directory version ({Reason}); followers forward every request to the leader until it answers again")]
    public static partial void DirectoryUnknown(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 4231, Level = LogLevel.Information, Message = "Redis answers for the directory version again")]
    public static partial void DirectoryKnown(ILogger logger);
}
