using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>How the node picks an agent for a task.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<RoutingStrategy>))]
public enum RoutingStrategy
{
    /// <summary>Weighted score of capability, free capacity, success rate and responsiveness.</summary>
    Default,

    /// <summary>The capable agent with the fewest tasks in flight.</summary>
    LeastLoaded,

    /// <summary>Capable agents in turn.</summary>
    RoundRobin,
}
