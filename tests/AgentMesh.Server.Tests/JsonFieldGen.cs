using System.Text.Json.Nodes;
using CsCheck;

namespace AgentMesh.Server.Tests;

/// <summary>Builds random JSON bodies field by field for the property tests.</summary>
internal static class JsonFieldGen
{
    /// <summary>A field's value, or null (twice as likely) for "leave the field out".</summary>
    public static Gen<JsonNode?> Field(params Gen<JsonNode?>[] values) =>
        Gen.Frequency([(2, Gen.Const<JsonNode?>((JsonNode?)null)), .. values.Select(static v => (1, (IGen<JsonNode?>)v))]);

    /// <summary>Sets the field unless the generated value says to leave it out.</summary>
    public static void Put(JsonObject body, string name, JsonNode? value)
    {
        if (value is not null)
        {
            body[name] = value.DeepClone();
        }
    }
}
