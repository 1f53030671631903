using System.Text.Json.Serialization;
using AgentMesh.Events;
using AgentMesh.Tasks;

namespace AgentMesh.Engine;

/// <summary>A task handed to an agent under a lease (SPEC §4 poll answer).</summary>
public sealed record Assignment(
    Guid TaskId,
    int Attempt,
    string LeaseToken,
    DateTimeOffset LeaseExpiresAt,
    string Type,
    [property: JsonConverter(typeof(RawJsonTextConverter))] string Input,
    int Priority,
    DateTimeOffset? Deadline,
    IReadOnlyList<Requirement> Requirements,
    [property: JsonPropertyName("traceparent")] string? TraceParent,
    double? RequiredSuccessRate);
