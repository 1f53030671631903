namespace AgentMesh.Client;

/// <summary>One dispatched server-sent event: its last event id, event name and data lines joined by <c>\n</c>.</summary>
internal sealed record ServerSentEvent(string? Id, string Event, string Data);
