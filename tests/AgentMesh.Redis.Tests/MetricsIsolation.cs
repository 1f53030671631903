namespace AgentMesh.Redis.Tests;

/// <summary>
/// Exporters subscribe to the "AgentMesh" meter by name, process-wide: with two nodes alive in one test
/// process, each would also see the other's instruments. Tests that read a node's gauges run alone.
/// </summary>
[CollectionDefinition(nameof(MetricsIsolation), DisableParallelization = true)]
public sealed class MetricsIsolation;
