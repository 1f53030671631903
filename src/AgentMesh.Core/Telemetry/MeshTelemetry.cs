using System.Diagnostics;

namespace AgentMesh.Telemetry;

/// <summary>Names a host subscribes to: the <see cref="ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/> are both called <c>AgentMesh</c>.</summary>
public static class MeshTelemetry
{
    public const string Name = "AgentMesh";

    internal static readonly ActivitySource Source = new(Name, typeof(MeshTelemetry).Assembly.GetName().Version?.ToString());
}
