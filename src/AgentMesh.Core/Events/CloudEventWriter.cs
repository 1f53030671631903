using System.Buffers;
using System.Text.Json;

namespace AgentMesh.Events;

/// <summary>
/// Writes events as CloudEvents 1.0 JSON (structured mode), the one envelope of every outlet: server-sent
/// events, the WebSocket feed and the NATS JetStream relay. The payload is embedded as it was serialized,
/// never parsed again.
/// </summary>
public static class CloudEventWriter
{
    /// <summary>Writes the envelope of <paramref name="meshEvent"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, MeshEvent meshEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(meshEvent);
        writer.WriteStartObject();
        writer.WriteString("specversion", "1.0");
        writer.WriteString("id", meshEvent.Id);
        writer.WriteString("source", "/agentmesh");
        writer.WriteString("type", meshEvent.Type);
        writer.WriteString("subject", meshEvent.Subject);
        writer.WriteString("time", meshEvent.Time);
        writer.WriteString("datacontenttype", "application/json");
        writer.WriteString("tenant", meshEvent.Tenant);
        writer.WriteNumber("sequence", meshEvent.Sequence);
        if (meshEvent.TraceParent is not null)
        {
            writer.WriteString("traceparent", meshEvent.TraceParent);
        }

        writer.WritePropertyName("data");
        writer.WriteRawValue(meshEvent.Data, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>The envelope of <paramref name="meshEvent"/> as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(MeshEvent meshEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + meshEvent.Data.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, meshEvent);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
