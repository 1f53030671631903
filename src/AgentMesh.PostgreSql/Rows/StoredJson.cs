using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentMesh.Events;

namespace AgentMesh.PostgreSql.Rows;

/// <summary>
/// Sub-documents (attempts, requirements, labels, capabilities…) as JSON text, written with
/// <see cref="CoreJsonContext"/>. Empty lists and maps are stored as NULL and read back as empty, as in the
/// embedded store.
/// </summary>
internal static class StoredJson
{
    public static string? Write<T>(T? value, JsonTypeInfo<T> typeInfo)
        where T : class =>
        value is null ? null : JsonSerializer.Serialize(value, typeInfo);

    public static string? WriteList<T>(IReadOnlyList<T> values, JsonTypeInfo<IReadOnlyList<T>> typeInfo) =>
        values.Count == 0 ? null : JsonSerializer.Serialize(values, typeInfo);

    public static string? WriteMap(IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? null : JsonSerializer.Serialize(values, CoreJsonContext.Default.IReadOnlyDictionaryStringString);

    public static T? Read<T>(string? text, JsonTypeInfo<T> typeInfo)
        where T : class =>
        text is null ? null : JsonSerializer.Deserialize(text, typeInfo);

    public static IReadOnlyList<T> ReadList<T>(string? text, JsonTypeInfo<IReadOnlyList<T>> typeInfo) =>
        text is null ? [] : JsonSerializer.Deserialize(text, typeInfo) ?? [];

    public static IReadOnlyDictionary<string, string> ReadMap(string? text) =>
        (text is null ? null : JsonSerializer.Deserialize(text, CoreJsonContext.Default.IReadOnlyDictionaryStringString))
        ?? new Dictionary<string, string>(0);
}
