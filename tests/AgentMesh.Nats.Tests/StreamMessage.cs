using System.Text.Json.Nodes;

namespace AgentMesh.Nats.Tests;

/// <summary>One message read from the stream: its subject, <c>Nats-Msg-Id</c> and Content-Type headers, and the parsed body.</summary>
internal sealed record StreamMessage(string Subject, string? MsgId, string? ContentType, JsonObject Body)
{
    public string Id => (string)Body["id"]!;
}
