using System.Text.Json.Nodes;

namespace AgentMesh.Server.Tests;

public sealed record SseEvent(long Id, string Type, JsonObject Data);

/// <summary>Reads a server-sent event stream one event at a time.</summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseReader> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await client.SendRequestAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        return new SseReader(response, new StreamReader(stream));
    }

    /// <summary>The next event, or null when the stream ends; fails the test after <paramref name="timeout"/> without one.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan? timeout = null)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        wait.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        long id = 0;
        string? type = null;
        string? data = null;
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException("No event arrived in time.");
            }

            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new SseEvent(id, type ?? "message", JsonNode.Parse(data)!.AsObject());
                }

                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }

    /// <summary>Events until one of <paramref name="type"/> arrives (included).</summary>
    public async Task<List<SseEvent>> UntilAsync(string type)
    {
        var events = new List<SseEvent>();
        while (await NextAsync() is { } next)
        {
            events.Add(next);
            if (next.Type == type)
            {
                return events;
            }
        }

        Assert.Fail($"The stream ended before '{type}'.");
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}
