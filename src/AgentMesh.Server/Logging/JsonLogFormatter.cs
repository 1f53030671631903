using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace AgentMesh.Server.Logging;

/// <summary>
/// One JSON object per line: timestamp (UTC), level, category, event id, message, its template and
/// named values, trace and span ids of the current activity, the request's id and tenant, other
/// scope values, and the exception. Values named like secrets are written as <c>[redacted]</c>, in
/// the values and in the message.
/// </summary>
internal sealed class JsonLogFormatter(TimeProvider time) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "agentmesh-json";

    private const string OriginalFormat = "{OriginalFormat}";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber("eventId", logEntry.EventId.Id);
            }

            WriteState(json, logEntry.State, message ?? string.Empty);
            if (Activity.Current is { } activity)
            {
                json.WriteString("traceId", activity.TraceId.ToHexString());
                json.WriteString("spanId", activity.SpanId.ToHexString());
            }

            WriteScopes(json, scopeProvider);
            if (logEntry.Exception is { } exception)
            {
                json.WriteStartObject("exception");
                json.WriteString("type", exception.GetType().FullName);
                json.WriteString("message", exception.Message);
                json.WriteString("details", exception.ToString());
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private static void WriteState<TState>(Utf8JsonWriter json, TState state, string message)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            json.WriteString("message", message);
            return;
        }

        string? template = null;
        foreach (var (name, value) in values)
        {
            if (name == OriginalFormat)
            {
                template = value as string;
            }
            else if (LogRedaction.IsSecret(name) && Format(value) is { Length: > 0 } secret)
            {
                message = message.Replace(secret, LogRedaction.Redacted, StringComparison.Ordinal);
            }
        }

        json.WriteString("message", message);
        if (template is not null)
        {
            json.WriteString("template", template);
        }

        if (values.Count > (template is null ? 0 : 1))
        {
            json.WriteStartObject("values");
            foreach (var (name, value) in values)
            {
                if (name != OriginalFormat)
                {
                    WriteValue(json, name, value);
                }
            }

            json.WriteEndObject();
        }
    }

    private static void WriteScopes(Utf8JsonWriter json, IExternalScopeProvider? scopeProvider)
    {
        if (scopeProvider is null)
        {
            return;
        }

        var scopes = new ScopeValues();
        scopeProvider.ForEachScope(static (scope, collected) => collected.Add(scope), scopes);
        if (scopes.Tenant is not null)
        {
            json.WriteString("tenant", scopes.Tenant);
        }

        if (scopes.RequestId is not null)
        {
            json.WriteString("requestId", scopes.RequestId);
        }

        if (scopes.Others.Count > 0)
        {
            json.WriteStartObject("scope");
            foreach (var (name, value) in scopes.Others)
            {
                WriteValue(json, name, value);
            }

            json.WriteEndObject();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        if (LogRedaction.IsSecret(name))
        {
            json.WriteString(name, LogRedaction.Redacted);
            return;
        }

        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double number when double.IsFinite(number):
                json.WriteNumber(name, number);
                break;
            case float or decimal:
                json.WriteNumber(name, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(name, Format(value));
                break;
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        DateTimeOffset moment => moment.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "information",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };

    /// <summary>Scope values outer to inner: the innermost request id and tenant win (ours over the host's own <c>RequestId</c>).</summary>
    private sealed class ScopeValues
    {
        public string? Tenant { get; private set; }

        public string? RequestId { get; private set; }

        public Dictionary<string, object?> Others { get; } = new(StringComparer.Ordinal);

        public void Add(object? scope)
        {
            if (scope is not IEnumerable<KeyValuePair<string, object?>> values)
            {
                return;
            }

            foreach (var (name, value) in values)
            {
                if (string.Equals(name, RequestLogScope.TenantName, StringComparison.OrdinalIgnoreCase))
                {
                    Tenant = Format(value);
                }
                else if (string.Equals(name, RequestLogScope.RequestIdName, StringComparison.OrdinalIgnoreCase))
                {
                    RequestId = Format(value);
                }
                else if (name is not (OriginalFormat or "TraceId" or "SpanId" or "ParentId"))
                {
                    Others[name] = value;
                }
            }
        }
    }
}
