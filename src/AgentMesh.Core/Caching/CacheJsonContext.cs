using System.Text.Json;
using System.Text.Json.Serialization;
using AgentMesh.Events;
using AgentMesh.Tasks;

namespace AgentMesh.Caching;

/// <summary>Source-generated serialization of cached tasks; input and output are kept as JSON strings (they may be ciphertext).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(SnakeCaseEnumConverter<MeshTaskStatus>), typeof(SnakeCaseEnumConverter<AttemptOutcome>)])]
[JsonSerializable(typeof(CachedTask))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
