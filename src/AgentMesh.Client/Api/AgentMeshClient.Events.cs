using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AgentMesh.Client;

public sealed partial class AgentMeshClient
{
    /// <summary>
    /// Streams the tenant's events live (<c>GET …/events</c>, server-sent events). The stream never ends on its own:
    /// when the connection drops or the node closes it, the client reconnects after a jittered backoff (200 ms base,
    /// 10 s cap) with <c>Last-Event-ID</c>, and skips events it already yielded. End it with <paramref name="cancellationToken"/>.
    /// </summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="types">Only these event types, such as <c>agentmesh.task.succeeded</c>; all by default.</param>
    /// <param name="since">Start after this sequence number; live events only by default.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <exception cref="AgentMeshApiException">The node refused the stream with a 4xx answer.</exception>
    public IAsyncEnumerable<MeshEvent> StreamEventsAsync(
        string tenant, IEnumerable<string>? types = null, long? since = null, CancellationToken cancellationToken = default)
    {
        var path = new QueryString($"{TenantPath(tenant)}/events")
            .Add("types", types is null ? null : string.Join(',', types))
            .Add("since", since?.ToString())
            .ToString();
        return StreamAsync(path, reconnectWhenEnded: true, cancellationToken);
    }

    /// <summary>
    /// Streams one task's events live (<c>GET …/tasks/{id}/events</c> with <c>Accept: text/event-stream</c>), history first.
    /// Ends when the node closes the stream; a dropped connection is resumed with <c>Last-Event-ID</c>.
    /// </summary>
    /// <param name="tenant">Tenant id.</param>
    /// <param name="taskId">Task id.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <exception cref="AgentMeshApiException">The node refused the stream with a 4xx answer, such as <c>task_not_found</c>.</exception>
    public IAsyncEnumerable<MeshEvent> WatchTaskAsync(string tenant, string taskId, CancellationToken cancellationToken = default) =>
        StreamAsync($"{TaskPath(tenant, taskId)}/events", reconnectWhenEnded: false, cancellationToken);

    private async IAsyncEnumerable<MeshEvent> StreamAsync(
        string path, bool reconnectWhenEnded, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? lastEventId = null;
        long lastSequence = 0;
        var failures = 0;
        while (true)
        {
            var (response, stream, failure) = await TryOpenStreamAsync(path, lastEventId, cancellationToken);
            if (response is not null && stream is not null)
            {
                using (response)
                using (var reader = new ServerSentEventReader(stream))
                {
                    while (true)
                    {
                        ServerSentEvent? message;
                        (message, failure) = await TryReadAsync(reader, cancellationToken);
                        if (message is null)
                        {
                            break;
                        }

                        failures = 0;
                        if (!TryParseEvent(path, message, out var meshEvent))
                        {
                            continue;
                        }

                        lastEventId = message.Id ?? meshEvent.Sequence.ToString();
                        if (meshEvent.Sequence > 0)
                        {
                            if (meshEvent.Sequence <= lastSequence)
                            {
                                continue;
                            }

                            lastSequence = meshEvent.Sequence;
                        }

                        yield return meshEvent;
                    }
                }

                if (failure is null)
                {
                    if (!reconnectWhenEnded)
                    {
                        yield break;
                    }

                    ClientLog.StreamEnded(_logger, path);
                }
            }

            failures++;
            var delay = Backoff.Delay(failures, failure);
            ClientLog.StreamReconnecting(_logger, path, delay, failures, failure);
            await Task.Delay(delay, _timeProvider, cancellationToken);
        }
    }

    private async Task<(HttpResponseMessage? Response, Stream? Stream, Exception? Failure)> TryOpenStreamAsync(
        string path, string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(EventStream);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        HttpResponseMessage? response = null;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var problem = await ProblemReader.ReadAsync(response, cancellationToken);
                return TransientFailure.Is(problem, cancellationToken) ? (null, null, problem) : throw problem;
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var opened = response;
            response = null;
            return (opened, stream, null);
        }
        catch (Exception exception) when (TransientFailure.Is(exception, cancellationToken))
        {
            return (null, null, exception);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private static async Task<(ServerSentEvent? Message, Exception? Failure)> TryReadAsync(
        ServerSentEventReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return (await reader.ReadAsync(cancellationToken), null);
        }
        catch (Exception exception) when (TransientFailure.Is(exception, cancellationToken))
        {
            return (null, exception);
        }
    }

    private bool TryParseEvent(string path, ServerSentEvent message, out MeshEvent meshEvent)
    {
        try
        {
            meshEvent = JsonSerializer.Deserialize(message.Data, Json.MeshEvent)!;
            return meshEvent is not null;
        }
        catch (JsonException exception)
        {
            ClientLog.StreamEventUnreadable(_logger, path, message.Id, exception);
            meshEvent = null!;
            return false;
        }
    }
}
