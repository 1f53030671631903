using System.Text.Json.Serialization;

namespace LlmAgent;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LlmOutput))]
internal sealed partial class LlmJsonContext : JsonSerializerContext;
