using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>A state change, as a CloudEvents 1.0 JSON envelope.</summary>
public sealed record MeshEvent
{
    /// <summary>CloudEvents version, <c>1.0</c>.</summary>
    [JsonPropertyName("specversion")]
    public string SpecVersion { get => field ?? "1.0"; init; }

    /// <summary>Event id.</summary>
    public string Id { get => field ?? ""; init; }

    /// <summary>Source, such as <c>/agentmesh</c>.</summary>
    public string Source { get => field ?? ""; init; }

    /// <summary>Type, such as <c>agentmesh.task.succeeded</c>.</summary>
    public string Type { get => field ?? ""; init; }

    /// <summary>Subject, such as <c>tasks/019…</c>.</summary>
    public string? Subject { get; init; }

    /// <summary>When the change happened.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>Content type of <see cref="Data"/>.</summary>
    [JsonPropertyName("datacontenttype")]
    public string? DataContentType { get; init; }

    /// <summary>The tenant.</summary>
    public string? Tenant { get; init; }

    /// <summary>Position in the tenant's event log; resume after it.</summary>
    public long Sequence { get; init; }

    /// <summary>W3C trace context of the change.</summary>
    public string? Traceparent { get; init; }

    /// <summary>The event's payload.</summary>
    public JsonElement Data { get; init; }
}
