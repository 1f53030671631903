using System.Text.Json;

namespace AgentMesh.Client;

internal sealed record CompleteBody(string LeaseToken, JsonElement? Output);
