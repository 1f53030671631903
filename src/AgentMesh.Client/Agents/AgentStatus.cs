using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>Where an agent is in its life cycle.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AgentStatus>))]
public enum AgentStatus
{
    /// <summary>Registered, not connected.</summary>
    Offline,

    /// <summary>Connected with a free slot.</summary>
    Available,

    /// <summary>Connected, every slot in use.</summary>
    Busy,

    /// <summary>Receives nothing new; in-flight work continues.</summary>
    Paused,

    /// <summary>Finishing its work, then offline.</summary>
    Draining,

    /// <summary>Missed its heartbeats.</summary>
    Unhealthy,

    /// <summary>Receives nothing until an operator releases it.</summary>
    Quarantined,

    /// <summary>Final; the id cannot be reused.</summary>
    Terminated,
}
