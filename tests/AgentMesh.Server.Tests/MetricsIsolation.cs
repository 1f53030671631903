namespace AgentMesh.Server.Tests;

/// <summary>
/// Exporters subscribe to the "AgentMesh" meter by name, process-wide: with two nodes alive in one test
/// process, each would also see the other's instruments. Tests that read /metrics run alone.
/// </summary>
[CollectionDefinition(nameof(MetricsIsolation), DisableParallelization = true)]
public sealed class MetricsIsolation;
