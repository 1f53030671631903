using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentMesh.Events;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite;

/// <summary>
/// Sub-documents (attempts, requirements, labels, capabilities…) as JSON text columns, written with
/// <see cref="CoreJsonContext"/>. Empty lists and maps are stored as NULL, which saves serializing them on
/// every write, and read back as empty.
/// </summary>
internal static class StoredJson
{
    public static object Write<T>(T? value, JsonTypeInfo<T> typeInfo)
        where T : class =>
        value is null ? DBNull.Value : JsonSerializer.Serialize(value, typeInfo);

    public static object WriteList<T>(IReadOnlyList<T> values, JsonTypeInfo<IReadOnlyList<T>> typeInfo) =>
        values.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(values, typeInfo);

    public static object WriteMap(IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(values, CoreJsonContext.Default.IReadOnlyDictionaryStringString);

    public static T? Read<T>(SqliteDataReader reader, int ordinal, JsonTypeInfo<T> typeInfo)
        where T : class =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize(reader.GetString(ordinal), typeInfo);

    public static IReadOnlyList<T> ReadList<T>(SqliteDataReader reader, int ordinal, JsonTypeInfo<IReadOnlyList<T>> typeInfo) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize(reader.GetString(ordinal), typeInfo) ?? [];

    public static IReadOnlyDictionary<string, string> ReadMap(SqliteDataReader reader, int ordinal) =>
        (reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize(reader.GetString(ordinal), CoreJsonContext.Default.IReadOnlyDictionaryStringString))
        ?? new Dictionary<string, string>(0);
}
