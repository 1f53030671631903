using System.Text.Json.Nodes;
using AgentMesh.Server.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMesh.Server.Tests;

/// <summary>Every log entry of a node, written by the node's JSON formatter into memory instead of the console.</summary>
public sealed class CapturedJsonLog : ILoggerProvider, ISupportExternalScope
{
    private readonly JsonLogFormatter _formatter = new(TimeProvider.System);
    private readonly StringWriter _text = new();
    private readonly Lock _gate = new();
    private IExternalScopeProvider? _scopes;

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public IReadOnlyList<JsonObject> Lines =>
        [.. Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static line => JsonNode.Parse(line)!.AsObject())];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => _text.Dispose();

    private sealed class Logger(CapturedJsonLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
            lock (owner._gate)
            {
                owner._formatter.Write(in entry, owner._scopes, owner._text);
            }
        }
    }
}
