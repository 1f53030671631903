using System.Text.Json;
using System.Text.Json.Serialization;
using AgentMesh.Client;

namespace AgentMesh.Cli.Output;

/// <summary>Serialization for what the CLI writes itself (streamed events), in the protocol's shape: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MeshEvent))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
