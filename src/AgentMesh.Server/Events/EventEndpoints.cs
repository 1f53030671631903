using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AgentMesh.Audit;
using AgentMesh.Engine;
using AgentMesh.Events;
using AgentMesh.Server.Audit;
using AgentMesh.Server.Http;
using AgentMesh.Server.Security;
using AgentMesh.Storage;

namespace AgentMesh.Server.Events;

/// <summary>Event histories and live server-sent event streams, resumable by sequence.</summary>
internal static class EventEndpoints
{
    private const int PageSize = 1000;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private static readonly HashSet<string> TerminalTypes = new(StringComparer.Ordinal)
    {
        EventTypes.TaskSucceeded, EventTypes.TaskFailed, EventTypes.TaskCancelled, EventTypes.TaskExpired, EventTypes.TaskDeadLettered,
    };

    public static void MapEvents(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/events", StreamTenantAsync).WithTags("Events").RequireAccess(Access.Read).AuditReads(DataClassification.Confidential).Produces(200, contentType: "text/event-stream");
        tenant.MapGet("/tasks/{taskId}/events", TaskEventsAsync).WithTags("Events").RequireAccess(Access.Read).AuditReads(DataClassification.Confidential).Produces(200, contentType: "text/event-stream");
    }

    private static async Task<IResult> StreamTenantAsync(string tenant, HttpContext http, MeshEngine engine, CancellationToken cancellationToken, string? types = null, string? since = null)
    {
        if (!engine.TenantExists(tenant))
        {
            return Problems.TenantNotFound(http, tenant);
        }

        // Without since or Last-Event-ID the stream is live from now on; since=0 replays from the start.
        var resumeFrom = http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? since;
        long? after = null;
        if (resumeFrom is not null)
        {
            if (!long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.Invalid(http, "since", "must be an event sequence number (a non-negative integer).");
            }

            after = parsed;
        }

        var typeSet = types?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        await StreamAsync(http, engine, tenant, typeSet, null, after, untilTerminal: false, cancellationToken);
        return Results.Empty;
    }

    private static async Task<IResult> TaskEventsAsync(string tenant, string taskId, HttpContext http, MeshEngine engine, CancellationToken cancellationToken)
    {
        if (!engine.TenantExists(tenant))
        {
            return Problems.TenantNotFound(http, tenant);
        }

        if (!Guid.TryParse(taskId, out var id) || await engine.GetTaskAsync(tenant, id, cancellationToken) is not { } task)
        {
            return Problems.From(http, Validation.MeshError.TaskNotFound(taskId));
        }

        if (http.Request.Headers.Accept.Any(static a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true))
        {
            await StreamAsync(http, engine, tenant, null, id, 0, untilTerminal: true, cancellationToken);
            return Results.Empty;
        }

        var events = await engine.Store.ReadEventsAsync(new EventQuery { Tenant = tenant, TaskId = task.Id, Limit = 10_000 }, cancellationToken);
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(http.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteStartArray("items");
        foreach (var meshEvent in events)
        {
            CloudEventWriter.Write(writer, meshEvent);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        return Results.Empty;
    }

    private static async Task StreamAsync(
        HttpContext http, MeshEngine engine, string tenant, IReadOnlyCollection<string>? types, Guid? taskId, long? after, bool untilTerminal, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = engine.Events.Subscribe(tenant, types, taskId);
        var last = after ?? subscription.StartSequence;
        try
        {
            while (true)
            {
                var page = await engine.Store.ReadEventsAsync(new EventQuery { Tenant = tenant, AfterSequence = last, Types = types, TaskId = taskId, Limit = PageSize }, cancellationToken);
                foreach (var meshEvent in page)
                {
                    Write(response.BodyWriter, meshEvent);
                    last = meshEvent.Sequence;
                    if (untilTerminal && TerminalTypes.Contains(meshEvent.Type))
                    {
                        await response.BodyWriter.FlushAsync(cancellationToken);
                        return;
                    }
                }

                if (page.Count < PageSize)
                {
                    break;
                }
            }

            await response.BodyWriter.FlushAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    response.BodyWriter.Write(": keep-alive\n\n"u8);
                    await response.BodyWriter.FlushAsync(cancellationToken);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                while (subscription.Reader.TryRead(out var meshEvent))
                {
                    if (meshEvent.Sequence <= last)
                    {
                        continue;
                    }

                    Write(response.BodyWriter, meshEvent);
                    last = meshEvent.Sequence;
                    if (untilTerminal && TerminalTypes.Contains(meshEvent.Type))
                    {
                        await response.BodyWriter.FlushAsync(cancellationToken);
                        return;
                    }
                }

                await response.BodyWriter.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (EventStreamOverflowException)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    private static void Write(IBufferWriter<byte> output, MeshEvent meshEvent)
    {
        output.Write(Encoding.UTF8.GetBytes($"id: {meshEvent.Sequence}\nevent: {meshEvent.Type}\ndata: "));
        output.Write(CloudEventWriter.ToUtf8(meshEvent));
        output.Write("\n\n"u8);
    }
}
