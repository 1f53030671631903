namespace AgentMesh.Client;

internal sealed record PollBody(int Max, int WaitSeconds);
