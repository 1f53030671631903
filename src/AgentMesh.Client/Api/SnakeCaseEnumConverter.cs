using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentMesh.Client;

/// <summary>Writes and reads enum values in snake_case (<c>dead_lettered</c>), as the protocol spells them.</summary>
internal sealed class SnakeCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public SnakeCaseEnumConverter()
        : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    {
    }
}
