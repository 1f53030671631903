using Microsoft.Data.Sqlite;

namespace AgentMesh.Sqlite.Tables;

/// <summary>Builds the SQL of whole-row writes and compiles it once on the write connection.</summary>
internal static class Statement
{
    /// <summary>
    /// A command with one parameter per column, <c>@column</c>, in <paramref name="columns"/> order, so that
    /// callers set values by position instead of looking names up on every row.
    /// </summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, IReadOnlyList<string> columns)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var column in columns)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = "@" + column, Value = DBNull.Value });
        }

        command.Prepare();
        return command;
    }

    public static string Insert(string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(static c => "@" + c))})";

    /// <summary>An insert that replaces every column but the key when the row exists.</summary>
    public static string Upsert(string table, IReadOnlyList<string> columns, IReadOnlyList<string> key) =>
        $"{Insert(table, columns)} ON CONFLICT ({string.Join(", ", key)}) DO UPDATE SET {string.Join(", ", columns.Except(key).Select(static c => $"{c} = excluded.{c}"))}";

    /// <summary><c>a = @a, b = @b</c>.</summary>
    public static string SetFromParameters(IEnumerable<string> columns) => string.Join(", ", columns.Select(static c => $"{c} = @{c}"));
}
