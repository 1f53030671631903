using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace AgentMesh.Client.Tests.Wire;

internal static class Wire
{
    public static AgentMeshJsonContext Json => AgentMeshJsonContext.Default;

    public static T Read<T>(string json, JsonTypeInfo<T> type) => JsonSerializer.Deserialize(json, type)!;

    /// <summary>Serializes and reparses, so tests compare JSON trees rather than text.</summary>
    public static JsonObject Write<T>(T value, JsonTypeInfo<T> type) => JsonNode.Parse(JsonSerializer.Serialize(value, type))!.AsObject();

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement;
}
