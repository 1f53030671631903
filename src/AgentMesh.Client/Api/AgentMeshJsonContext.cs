using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>Source-generated serialization for every wire shape: camelCase names, snake_case enums, UTC times, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(Tenant))]
[JsonSerializable(typeof(TenantCreation))]
[JsonSerializable(typeof(Page<Tenant>))]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(ApiKeyCreation))]
[JsonSerializable(typeof(Page<ApiKey>))]
[JsonSerializable(typeof(Agent))]
[JsonSerializable(typeof(AgentRegistration))]
[JsonSerializable(typeof(Page<Agent>))]
[JsonSerializable(typeof(TerminateBody))]
[JsonSerializable(typeof(PollBody))]
[JsonSerializable(typeof(PollResponse))]
[JsonSerializable(typeof(HeartbeatBody))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(ResultsBody))]
[JsonSerializable(typeof(ResultsResponse))]
[JsonSerializable(typeof(TaskSubmission))]
[JsonSerializable(typeof(TaskBatchBody))]
[JsonSerializable(typeof(MeshTask))]
[JsonSerializable(typeof(Page<MeshTask>))]
[JsonSerializable(typeof(CompleteBody))]
[JsonSerializable(typeof(FailBody))]
[JsonSerializable(typeof(ProgressBody))]
[JsonSerializable(typeof(DeclineBody))]
[JsonSerializable(typeof(MeshEvent))]
[JsonSerializable(typeof(Page<MeshEvent>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class AgentMeshJsonContext : JsonSerializerContext;
