using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMesh.Server.Health;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HealthDetail))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
