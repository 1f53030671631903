using System.Text.Json.Nodes;

namespace AgentMesh.TestKit.Services;

/// <summary>One message read from the stream: its subject, <c>Nats-Msg-Id</c> and Content-Type headers, and the parsed body.</summary>
public sealed record StreamMessage(string Subject, string? MsgId, string? ContentType, JsonObject Body)
{
    public string Id => (string)Body["id"]!;
}
