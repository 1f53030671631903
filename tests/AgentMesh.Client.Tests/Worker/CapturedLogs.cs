using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Client.Tests.Worker;

/// <summary>A logger provider that keeps every entry at or above a level, to read what a user would see in the log.</summary>
internal sealed class CapturedLogs(LogLevel minimum) : ILoggerProvider
{
    public LogLevel Minimum { get; } = minimum;

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILoggerFactory Factory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(Minimum).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    public sealed record Entry(LogLevel Level, int EventId, string Message, Exception? Exception);

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= logs.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Entries.Enqueue(new Entry(logLevel, eventId.Id, formatter(state, exception), exception));
            }
        }
    }
}
