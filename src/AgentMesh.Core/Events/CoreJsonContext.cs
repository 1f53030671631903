using System.Text.Json;
using System.Text.Json.Serialization;
using AgentMesh.Agents;
using AgentMesh.Tasks;

namespace AgentMesh.Events;

/// <summary>Source-generated serialization of event payloads and stored sub-documents.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    Converters = [typeof(SnakeCaseEnumConverter<MeshTaskStatus>), typeof(SnakeCaseEnumConverter<AgentStatus>), typeof(SnakeCaseEnumConverter<AttemptOutcome>)])]
[JsonSerializable(typeof(TaskEventData))]
[JsonSerializable(typeof(AgentEventData))]
[JsonSerializable(typeof(TenantEventData))]
[JsonSerializable(typeof(KeyEventData))]
[JsonSerializable(typeof(IReadOnlyList<Requirement>))]
[JsonSerializable(typeof(IReadOnlyList<TaskAttempt>))]
[JsonSerializable(typeof(IReadOnlyList<Capability>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(TaskError))]
[JsonSerializable(typeof(TaskProgress))]
public sealed partial class CoreJsonContext : JsonSerializerContext;

/// <summary>Enum values in snake_case (<c>dead_lettered</c>), as SPEC §10.1 writes them.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
