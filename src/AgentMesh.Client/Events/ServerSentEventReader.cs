using System.Globalization;
using System.Text;

namespace AgentMesh.Client;

/// <summary>Reads <c>text/event-stream</c> as the HTML standard defines it: comments, <c>data</c>, <c>event</c>, <c>id</c>, <c>retry</c>.</summary>
internal sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    private readonly StringBuilder _data = new();

    /// <summary>The last <c>id</c> field seen; it persists across events, as the standard says.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>The last <c>retry</c> field seen, in milliseconds.</summary>
    public int? RetryMilliseconds { get; private set; }

    /// <summary>The next event, or <see langword="null"/> at the end of the stream (a partial event is discarded).</summary>
    public async ValueTask<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? eventName = null;
        var hasData = false;
        _data.Clear();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (hasData)
                {
                    return new ServerSentEvent(LastEventId, eventName ?? "message", _data.ToString());
                }

                eventName = null;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line.AsSpan() : line.AsSpan(0, colon);
            var value = colon < 0 ? [] : line.AsSpan(colon + 1);
            if (value.Length > 0 && value[0] == ' ')
            {
                value = value[1..];
            }

            switch (field)
            {
                case "data":
                    if (hasData)
                    {
                        _data.Append('\n');
                    }

                    _data.Append(value);
                    hasData = true;
                    break;
                case "event":
                    eventName = value.ToString();
                    break;
                case "id" when !value.Contains('\0'):
                    LastEventId = value.ToString();
                    break;
                case "retry" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                    RetryMilliseconds = milliseconds;
                    break;
                default:
                    break;
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
