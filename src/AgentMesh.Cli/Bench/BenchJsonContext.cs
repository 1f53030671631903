using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentMesh.Cli.Bench;

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
