using Microsoft.Extensions.Logging;

namespace AgentMesh.Nats.Outbox;

/// <summary>The relay's log messages, event ids 4100–4199.</summary>
internal static partial class NatsRelayLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Relaying events to NATS JetStream stream {Stream} at {Url}, from sequence {Sequence}")]
    public static partial void Started(ILogger logger, string stream, string url, long sequence);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Publishing events to NATS JetStream stream {Stream} failed; the outbox keeps them and the relay retries until it works ({Lag} events waiting)")]
    public static partial void OutageStarted(ILogger logger, string stream, long lag, Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Publishing events to NATS JetStream stream {Stream} works again after {Seconds} s and {Attempts} failed attempts")]
    public static partial void OutageEnded(ILogger logger, string stream, double seconds, int attempts);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Stopped relaying events to NATS at sequence {Sequence} ({Lag} events waiting)")]
    public static partial void Stopped(ILogger logger, long sequence, long lag);
}
