using System.Diagnostics;

namespace AgentMesh.Client.Worker;

internal static class AgentMeshTelemetry
{
    public static readonly ActivitySource Source = new("AgentMesh", typeof(AgentMeshTelemetry).Assembly.GetName().Version?.ToString());
}
