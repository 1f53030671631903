namespace AgentMesh.Client.Tests.Api;

internal sealed record RecordedRequest(HttpMethod Method, string PathAndQuery, string? Body, string Headers);
